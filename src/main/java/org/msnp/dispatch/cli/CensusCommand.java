package org.msnp.dispatch.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.msnp.dispatch.census.CensusKey;
import org.msnp.dispatch.census.CensusQueries;
import org.msnp.dispatch.config.CensusConfig;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code msnp-dispatch census export}: the census rows of a time range as CSV or JSON. */
@Command(name = "census", description = "Read the census of finished conversations (docs/console.md).",
        subcommands = CensusCommand.Export.class)
final class CensusCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A refusal of the command's arguments or database: one line on standard error, exit 1. */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }

    @Command(name = "export", sortOptions = false,
            description = {"Write the census rows of a time range (hourly rows, and daily rows of rolled-up days) "
                    + "as CSV with a header row, or as a JSON array.",
                    "Without --config or --database it reads the embedded defaults' H2 file (./data/census)."})
    static final class Export implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "WHEN",
                description = "start, inclusive: a UTC date (2026-12-01) or an instant (2026-12-01T10:00:00Z)")
        String from;

        @Option(names = "--to", required = true, paramLabel = "WHEN",
                description = "end: a UTC date (that whole day included) or an instant (exclusive)")
        String to;

        @Option(names = "--format", paramLabel = "csv|json", description = "csv (default) or json")
        String format = "csv";

        @Option(names = "--config", paramLabel = "FILE", description = "read the database of this configuration's census block")
        Path config;

        @Option(names = "--database", paramLabel = "URL",
                description = "read this database: jdbc:h2:… or jdbc:postgresql:… (credentials in the URL)")
        String database;

        @Option(names = "--node", paramLabel = "NAME", description = "only this node's rows")
        String node;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of standard output")
        Path output;

        @Override
        public Integer call() {
            try {
                export();
                return 0;
            } catch (Refusal e) {
                System.err.println("census export: " + e.getMessage());
                return 1;
            }
        }

        private void export() throws Refusal {
            Instant start = when("--from", from, false);
            Instant end = when("--to", to, true);
            if (!start.isBefore(end)) {
                throw new Refusal("--to (" + end + ") must be after --from (" + start + ")");
            }
            String fmt = format.toLowerCase(Locale.ROOT);
            if (!fmt.equals("csv") && !fmt.equals("json")) {
                throw new Refusal("--format: '" + format + "' is not one of csv, json");
            }
            if (node != null && !CensusConfig.NODE_NAME.matcher(node).matches()) {
                throw new Refusal("--node: a node name is 1-64 letters, digits, '.', '_', ':' or '-'");
            }
            if (config != null && database != null) {
                throw new Refusal("give --config or --database, not both");
            }
            String url;
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            if (database != null) {
                if (!database.startsWith("jdbc:h2:") && !database.startsWith("jdbc:postgresql:")) {
                    throw new Refusal("--database: '" + shown(database) + "' is not a jdbc:h2: or jdbc:postgresql: URL");
                }
                url = database;
            } else {
                CensusConfig census;
                try {
                    census = (config == null ? DispatchConfig.defaults() : ConfigLoader.load(config)).census();
                } catch (ConfigException e) {
                    throw new Refusal(e.getMessage());
                }
                url = census.jdbcUrl();
                user = census.user();
                password = census.secret();
            }
            // Reading must not create an empty database where an operator mistyped a path.
            String readUrl = url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains(";IFEXISTS=")
                    ? url + ";IFEXISTS=TRUE" : url;
            CensusQueries.Range range = new CensusQueries.Range(start, end, Optional.ofNullable(node));
            CensusQueries queries = CensusQueries.connect(readUrl, user, password);
            Path partial = output == null ? null : output.resolveSibling(output.getFileName() + ".partial");
            try {
                try (Writer out = partial != null ? Files.newBufferedWriter(partial, StandardCharsets.UTF_8)
                        : new OutputStreamWriter(new NonClosing(System.out), StandardCharsets.UTF_8)) {
                    write(queries, range, fmt, out);
                }
                if (partial != null) {
                    Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (SQLException e) {
                throw new Refusal(databaseProblem(url, e));
            } catch (IOException | UncheckedIOException e) {
                throw new Refusal("cannot write " + (output != null ? output : "the output") + ": " + e.getMessage());
            } finally {
                if (partial != null) {
                    try {
                        Files.deleteIfExists(partial);
                    } catch (IOException e) {
                        // Nothing more to do: the error is reported already, or the move succeeded.
                    }
                }
            }
        }

        /**
         * Streams the rows. Nothing is written until the database has answered: a database
         * that cannot be read leaves the output empty (and a file absent).
         */
        private static void write(CensusQueries queries, CensusQueries.Range range, String format, Writer out)
                throws SQLException, IOException {
            ObjectWriter writer;
            if (format.equals("csv")) {
                CsvMapper csv = new CsvMapper();
                csv.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                writer = csv.writer(csv.schemaFor(ExportRow.class).withHeader());
            } else {
                writer = JsonMapper.builder().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).build().writer();
            }
            boolean json = format.equals("json");
            SequenceWriter[] rows = new SequenceWriter[1];
            try {
                queries.rows(range, r -> {
                    try {
                        if (rows[0] == null) {
                            rows[0] = json ? writer.writeValuesAsArray(out) : writer.writeValues(out);
                        }
                        writeRow(rows[0], r);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                if (rows[0] == null) {
                    rows[0] = json ? writer.writeValuesAsArray(out) : writer.writeValues(out);
                }
            } finally {
                if (rows[0] != null) {
                    rows[0].close();
                }
            }
            if (json) {
                out.write(System.lineSeparator());
            }
            out.flush();
        }

        private static void writeRow(SequenceWriter rows, CensusQueries.Row r) throws IOException {
            CensusKey k = r.key();
            rows.write(new ExportRow(r.period().label(), r.start().toString(), r.node(), k.transport(), k.dialect(),
                    k.library(), k.build(), k.osType(), k.locale(), k.outcome(), k.verdict(), r.conversations()));
        }

        /** A date (UTC; as an end, the whole day) or an instant with its offset. */
        static Instant when(String option, String text, boolean end) throws Refusal {
            String t = text.strip();
            try {
                if (t.length() == 10) {
                    LocalDate d = LocalDate.parse(t);
                    return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeException e) {
                throw new Refusal(option + ": '" + printable(t) + "' is not a date (2026-12-01) or an instant "
                        + "(2026-12-01T10:00:00Z)");
            }
        }

        private static String databaseProblem(String url, SQLException e) {
            String where = shown(url);
            String state = String.valueOf(e.getSQLState());
            if (e.getErrorCode() == 90146 || e.getErrorCode() == 90013) {
                return "no census database at " + where;
            }
            if (e.getErrorCode() == 90020) {
                return where + " is open in a running server (an H2 file allows one process): stop it first, "
                        + "or keep the census in PostgreSQL";
            }
            // Table not found: H2 42S02/42S04 (42S04: the whole database is empty), PostgreSQL 42P01.
            if (state.startsWith("42S0") || state.equals("42P01")) {
                return where + " holds no census tables";
            }
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            return "cannot read the census in " + where + ": " + (nl >= 0 ? m.substring(0, nl) : m).strip();
        }

        /** The URL without its parameters, which may carry credentials. */
        static String shown(String url) {
            int cut = url.length();
            for (char c : new char[] {'?', ';'}) {
                int i = url.indexOf(c);
                if (i >= 0 && i < cut) {
                    cut = i;
                }
            }
            return printable(url.substring(0, cut));
        }

        /** Argument text echoed in an error: printable ASCII, bounded. */
        static String printable(String text) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < text.length() && b.length() < 200; i++) {
                char c = text.charAt(i);
                b.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
            return b.toString();
        }
    }

    /** One exported row: the columns of the census tables, the time as an ISO instant. */
    @JsonPropertyOrder({"period", "start", "node", "transport", "dialect", "library", "build", "os_type", "locale",
            "outcome", "verdict", "conversations"})
    record ExportRow(String period, String start, String node, String transport, String dialect, String library,
                     String build, @JsonProperty("os_type") String osType, String locale, String outcome, String verdict,
                     long conversations) {
    }

    /** Standard output stays open after an export (the command line may print more). */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}

package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.census.Census;
import org.msnp.dispatch.census.CensusKey;
import org.msnp.dispatch.config.ConfigLoader;

/** {@code msnp-dispatch census export}, run through the command line on a census the test fills. */
class CensusCommandTest {
    static final String HEADER = "period,start,node,transport,dialect,library,build,os_type,locale,outcome,verdict,conversations";

    @TempDir
    Path dir;
    Path config;
    String url;
    /** The hour the conversations were counted in. */
    Instant hour;
    LocalDate today;

    @BeforeEach
    void fillACensus() throws Exception {
        config = Files.writeString(dir.resolve("dispatch.yaml"), "census:\n  data-dir: " + dir.resolve("data") + "\n  node: node-a\n");
        Instant before = Instant.now().truncatedTo(ChronoUnit.HOURS);
        try (Census census = Census.start(ConfigLoader.load(config).census(), new SimpleMeterRegistry()).orElseThrow()) {
            for (int i = 0; i < 3; i++) {
                census.count(new CensusKey("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "winnt", "0x0409", "xfr", "current"));
            }
            census.count(new CensusKey("http", "MSNP12", "MSNMSGR", "7.5.0324", "winnt", "0x0407", "rejected-715", "none"));
            census.count(new CensusKey("tcp", "MSNP8", "Evil,\"lib\"", "<script>", "win\nnt", "0x0409", "xfr", "unknown"));
        }
        Instant after = Instant.now().truncatedTo(ChronoUnit.HOURS);
        url = "jdbc:h2:file:" + dir.resolve("data").resolve("census");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT DISTINCT hour_start FROM census_hourly")) {
            r.next();
            hour = r.getObject(1, java.time.OffsetDateTime.class).toInstant();
            assertThat(r.next()).as("one hour").isFalse();
        }
        assertThat(hour).isBetween(before, after);
        today = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO census_daily VALUES (DATE '2026-10-01', 'node-b', 'tcp', 'CVR0', 'MSMSGS', '4.7.3001',"
                    + " 'win', '0x0411', 'cvq-answered', 'below-minimum', 42)");
        }
    }

    @Test
    void csvHasAHeaderAndOneLinePerRow() {
        Console c = Console.run("census", "export", "--from", today.toString(), "--to", today.toString(), "--format", "csv",
                "--config", config.toString());
        assertThat(c.err()).isEmpty();
        assertThat(c.exitCode()).isZero();
        List<String> lines = c.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(HEADER);
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
                "hour," + hour + ",node-a,tcp,MSNP8,MSNMSGR,6.0.0602,winnt,0x0409,xfr,current,3",
                "hour," + hour + ",node-a,http,MSNP12,MSNMSGR,7.5.0324,winnt,0x0407,rejected-715,none,1",
                "hour," + hour + ",node-a,tcp,MSNP8,Evil__lib_,_script_,win_nt,0x0409,xfr,unknown,1");
    }

    @Test
    void jsonIsAnArrayOfRowsAndDaysOfRolledUpHoursComeFirst() throws Exception {
        Console c = Console.run("census", "export", "--from", "2026-10-01", "--to", hour.plus(1, ChronoUnit.HOURS).toString(),
                "--format", "json", "--database", url);
        assertThat(c.err()).isEmpty();
        assertThat(c.exitCode()).isZero();
        List<Map<String, Object>> rows = JsonMapper.builder().build().readValue(c.out(), new TypeReference<>() { });
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0)).isEqualTo(Map.ofEntries(
                Map.entry("period", "day"), Map.entry("start", "2026-10-01T00:00:00Z"), Map.entry("node", "node-b"),
                Map.entry("transport", "tcp"), Map.entry("dialect", "CVR0"), Map.entry("library", "MSMSGS"),
                Map.entry("build", "4.7.3001"), Map.entry("os_type", "win"), Map.entry("locale", "0x0411"),
                Map.entry("outcome", "cvq-answered"), Map.entry("verdict", "below-minimum"), Map.entry("conversations", 42)));
        assertThat(rows.get(0).keySet()).containsExactly("period", "start", "node", "transport", "dialect", "library", "build",
                "os_type", "locale", "outcome", "verdict", "conversations");
        assertThat(rows.subList(1, 4)).allSatisfy(r -> assertThat(r).containsEntry("period", "hour")
                .containsEntry("start", hour.toString()).containsEntry("node", "node-a"));
        assertThat(rows.stream().mapToInt(r -> (Integer) r.get("conversations")).sum()).isEqualTo(42 + 5);
    }

    @Test
    void oneNodeAndAnOutputFile() throws Exception {
        Path out = dir.resolve("export.csv");
        Console c = Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-01", "--database", url,
                "--node", "node-b", "-o", out.toString());
        assertThat(c.exitCode()).isZero();
        assertThat(c.out()).isEmpty();
        assertThat(Files.readAllLines(out)).containsExactly(HEADER,
                "day,2026-10-01T00:00:00Z,node-b,tcp,CVR0,MSMSGS,4.7.3001,win,0x0411,cvq-answered,below-minimum,42");
        Console none = Console.run("census", "export", "--from", today.toString(), "--to", today.toString(), "--database",
                url, "--node", "node-b");
        assertThat(none.out().lines()).containsExactly(HEADER);
    }

    @Test
    void aBadArgumentIsExitOneAndOneLine() {
        String db = "--database=" + url;
        assertRefused(Console.run("census", "export", "--from", "yesterday", "--to", "2026-10-02", db),
                "census export: --from: 'yesterday' is not a date (2026-12-01) or an instant (2026-12-01T10:00:00Z)");
        assertRefused(Console.run("census", "export", "--from", "2026-10-02", "--to", "2026-10-01T00:00:00Z", db),
                "census export: --to (2026-10-01T00:00:00Z) must be after --from (2026-10-02T00:00:00Z)");
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--format", "xml", db),
                "census export: --format: 'xml' is not one of csv, json");
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--node", "a b", db),
                "census export: --node: a node name is 1-64 letters, digits, '.', '_', ':' or '-'");
        assertRefused(Console.run("census", "export", "--to", "2026-10-02", db),
                "census export: Missing required option: '--from=WHEN'");
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--fromat", "csv", db),
                "census export: Unknown options: '--fromat', 'csv'");
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", db, "--config",
                config.toString()), "census export: give --config or --database, not both");
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--database",
                "mysql://x?password=secret"), "census export: --database: 'mysql://x' is not a jdbc:h2: or jdbc:postgresql: URL");
    }

    @Test
    void aMissingOrEmptyDatabaseIsExitOneAndCreatesNothing() throws Exception {
        Path missing = dir.resolve("nowhere").resolve("census");
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--database",
                "jdbc:h2:file:" + missing), "census export: no census database at jdbc:h2:file:" + missing);
        assertThat(dir.resolve("nowhere")).doesNotExist();
        Path file = dir.resolve("out.csv");
        assertThat(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--database",
                "jdbc:h2:file:" + missing, "-o", file.toString()).exitCode()).isEqualTo(1);
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("out.csv.partial")).doesNotExist();

        String empty = "jdbc:h2:file:" + dir.resolve("empty");
        DriverManager.getConnection(empty).close();
        assertRefused(Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--database", empty),
                "census export: " + empty + " holds no census tables");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "census:\n  max-keys-per-hour: lots\n");
        Console c = Console.run("census", "export", "--from", "2026-10-01", "--to", "2026-10-02", "--config", bad.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.err().strip()).startsWith("census export: " + bad + ":2: census.max-keys-per-hour: expected a whole number");
    }

    private static void assertRefused(Console c, String line) {
        assertThat(c.exitCode()).as(c.err()).isEqualTo(1);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).isEqualTo(line + System.lineSeparator());
    }
}

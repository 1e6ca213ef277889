package org.msnp.dispatch.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads conformance transcripts in the format of {@code protocol/vectors.txt}: blocks opened by
 * {@code === ID title}, {@code @key: value} metadata, and {@code C:}/{@code C>}/{@code S:}/
 * {@code S|}/{@code S?}/{@code S*}/{@code S-}/{@code !close}/{@code !close?}/{@code !open}/
 * {@code !client-close} steps.
 */
public final class Vectors {
    private Vectors() {
    }

    /** A transcript block. {@code config} holds the {@code @config} keys in the order written. */
    public record Block(String id, String title, int line, String dialect, String status,
                        Map<String, String> config, List<String> notes, List<Step> steps) {
    }

    /** One line of a transcript. */
    public sealed interface Step {
        /** Bytes the client sends ({@code C:} adds CR LF; {@code C>} sends them as written). */
        record Send(byte[] bytes, String shown) implements Step {
        }

        /** One server line, as one of several alternatives ({@code S:} then {@code S|} lines). */
        record Expect(List<Pattern> alternatives) implements Step {
        }

        /** {@code S?}: a line the server may send here. */
        record Optional(Pattern pattern) implements Step {
        }

        /** {@code S-}: nothing in reply to the preceding input. */
        record Silence() implements Step {
        }

        /** {@code !close}, {@code !close?}, {@code !open}, {@code !client-close}. */
        record End(Ending ending) implements Step {
        }
    }

    public enum Ending { CLOSE, MAYBE_CLOSE, OPEN, CLIENT_CLOSE }

    /** An expected line: exact text, or a glob where {@code *} matches any run of non-CR/LF bytes. */
    public record Pattern(String text, boolean glob) {
        public boolean matches(String line) {
            if (!glob) {
                return text.equals(line);
            }
            return java.util.regex.Pattern.matches(toRegex(text), line);
        }

        private static String toRegex(String glob) {
            StringBuilder b = new StringBuilder();
            for (String part : glob.split("\\*", -1)) {
                if (b.length() > 0) {
                    b.append("[^\\r\\n]*");
                }
                b.append(java.util.regex.Pattern.quote(part));
            }
            return b.toString();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    public static List<Block> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static List<Block> parse(String text, String source) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        BlockBuilder current = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int no = i + 1;
            if (line.startsWith("=== ")) {
                if (current != null) {
                    blocks.add(current.build());
                }
                String rest = line.substring(4).trim();
                int sp = rest.indexOf(' ');
                current = new BlockBuilder(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1), no);
                continue;
            }
            if (current == null || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            current.add(line, source, no);
        }
        if (current != null) {
            blocks.add(current.build());
        }
        return blocks;
    }

    private static final class BlockBuilder {
        final String id;
        final String title;
        final int line;
        String dialect = "";
        String status = "";
        final Map<String, String> config = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();

        BlockBuilder(String id, String title, int line) {
            this.id = id;
            this.title = title;
            this.line = line;
        }

        void add(String line, String source, int no) {
            if (line.startsWith("@")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException(source + ":" + no + ": metadata without ':'");
                }
                String key = line.substring(1, colon).trim();
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "dialect" -> dialect = value;
                    case "status" -> status = value;
                    case "note" -> notes.add(value);
                    case "config" -> {
                        for (String kv : value.split("\\s+")) {
                            int eq = kv.indexOf('=');
                            if (eq <= 0) {
                                throw new IllegalArgumentException(source + ":" + no + ": @config item '" + kv + "' is not key=value");
                            }
                            config.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                    default -> {
                        // @source and future keys carry no behaviour
                    }
                }
                return;
            }
            String tag = line.length() >= 2 ? line.substring(0, 2) : line;
            String arg = line.length() > 3 ? line.substring(3) : "";
            switch (tag) {
                case "C:" -> steps.add(new Step.Send((arg + "\r\n").getBytes(StandardCharsets.ISO_8859_1), arg));
                case "C>" -> steps.add(new Step.Send(unescape(arg, source, no), arg));
                case "S:" -> steps.add(new Step.Expect(new ArrayList<>(List.of(new Pattern(arg, false)))));
                case "S*" -> steps.add(new Step.Expect(new ArrayList<>(List.of(new Pattern(arg, true)))));
                case "S|" -> {
                    if (steps.isEmpty() || !(steps.get(steps.size() - 1) instanceof Step.Expect e)) {
                        throw new IllegalArgumentException(source + ":" + no + ": S| without a preceding S:");
                    }
                    e.alternatives().add(new Pattern(arg, false));
                }
                case "S?" -> steps.add(new Step.Optional(new Pattern(arg, false)));
                case "S-" -> steps.add(new Step.Silence());
                default -> {
                    switch (line.trim()) {
                        case "!close" -> steps.add(new Step.End(Ending.CLOSE));
                        case "!close?" -> steps.add(new Step.End(Ending.MAYBE_CLOSE));
                        case "!open" -> steps.add(new Step.End(Ending.OPEN));
                        case "!client-close" -> steps.add(new Step.End(Ending.CLIENT_CLOSE));
                        default -> throw new IllegalArgumentException(source + ":" + no + ": cannot read '" + line + "'");
                    }
                }
            }
        }

        Block build() {
            List<Step> frozen = new ArrayList<>();
            for (Step s : steps) {
                frozen.add(s instanceof Step.Expect e ? new Step.Expect(List.copyOf(e.alternatives())) : s);
            }
            return new Block(id, title, line, dialect, status, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config)),
                    List.copyOf(notes), List.copyOf(frozen));
        }
    }

    /** {@code \r \n \t \\ \xHH}. */
    static byte[] unescape(String s, String source, int no) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException(source + ":" + no + ": dangling backslash");
            }
            char e = s.charAt(i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    if (i + 2 >= s.length()) {
                        throw new IllegalArgumentException(source + ":" + no + ": short \\x escape");
                    }
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException(source + ":" + no + ": unknown escape \\" + e);
            }
        }
        return out.toByteArray();
    }
}

package org.msnp.dispatch.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Windows language code identifiers as sent in CVR/CVQ ({@code 0x0409}). The known set is
 * Microsoft's [MS-LCID] list, shipped as {@code msnp/ms-lcid.tsv} (cvq-cvr.md §7).
 */
public final class Lcid {
    /** Returned by {@link #parse} for a token that is not {@code 0x} followed by 1–4 hex digits. */
    public static final int MALFORMED = -1;

    private static final String RESOURCE = "msnp/ms-lcid.tsv";
    private static final BitSet KNOWN = new BitSet(0x10000);
    private static final Map<Integer, String> TAGS = new HashMap<>();
    /** The last value formatted per slot (by the low bits): no string made for a locale seen before. */
    private static final Formatted[] FORMATTED = new Formatted[256];

    static {
        load();
    }

    private Lcid() {
    }

    /**
     * Reads {@code 0x0409}-style tokens (either case of {@code x} and of the hex digits).
     * Allocation-free.
     *
     * @return the 16-bit value, or {@link #MALFORMED}
     */
    public static int parse(String token) {
        int len = token.length();
        if (len < 3 || len > 6 || token.charAt(0) != '0' || (token.charAt(1) | 0x20) != 'x') {
            return MALFORMED;
        }
        int value = 0;
        for (int i = 2; i < len; i++) {
            char c = token.charAt(i);
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
                d = (c | 0x20) - 'a' + 10;
            } else {
                return MALFORMED;
            }
            value = (value << 4) | d;
        }
        return value;
    }

    /** True when {@code lcid} is in [MS-LCID]. */
    public static boolean isKnown(int lcid) {
        return lcid >= 0 && lcid <= 0xffff && KNOWN.get(lcid);
    }

    /** The language tag [MS-LCID] gives, e.g. {@code en-US} for 0x0409. */
    public static Optional<String> tag(int lcid) {
        return Optional.ofNullable(TAGS.get(lcid));
    }

    /** {@code 0x0409}. */
    public static String format(int lcid) {
        int value = lcid & 0xffff;
        // every conversation's log line and census key asks, mostly for the same few values
        Formatted seen = FORMATTED[value & (FORMATTED.length - 1)];
        if (seen != null && seen.lcid == value) {
            return seen.text;
        }
        String hex = Integer.toHexString(value);
        String text = "0x0000".substring(0, 6 - hex.length()) + hex;
        FORMATTED[value & (FORMATTED.length - 1)] = new Formatted(value, text);
        return text;
    }

    /** One formatted value; immutable, so a slot read by another thread sees a whole one or none. */
    private record Formatted(int lcid, String text) {
    }

    /** How many identifiers the shipped list holds. */
    public static int count() {
        return KNOWN.cardinality();
    }

    private static void load() {
        InputStream in = Lcid.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("missing resource " + RESOURCE);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                int lcid = parse(cols[0].trim());
                if (lcid == MALFORMED) {
                    throw new IllegalStateException(RESOURCE + ":" + lineNo + ": bad LCID '" + cols[0] + "'");
                }
                KNOWN.set(lcid);
                if (cols.length > 1) {
                    TAGS.put(lcid, cols[1].trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.msnp.dispatch.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * A client build such as {@code 6.0.0602} or {@code 15.4.3502.0922}. Components compare as
 * unsigned numbers, leading zeros ignored, missing components count as 0 (cvq-cvr.md §5), so
 * {@code 6.0.0602} equals {@code 6.0.602} and {@code 14.0.8117} is below {@code 14.0.8117.0416}.
 * The original text is kept because replies echo it verbatim.
 */
public final class ClientVersion implements Comparable<ClientVersion> {
    /** At most this many components; WLM builds have four. */
    public static final int MAX_PARTS = 6;
    /** Nine digits keep every component inside a long with room to spare. */
    private static final int MAX_DIGITS = 9;

    private final String text;
    private final long[] parts;

    private ClientVersion(String text, long[] parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Parses {@code text}; empty when a component is empty, non-numeric or too long. */
    public static Optional<ClientVersion> parse(String text) {
        long[] parts = parts(text);
        return parts == null ? Optional.empty() : Optional.of(new ClientVersion(text, parts));
    }

    /** Parses {@code text} or throws {@link IllegalArgumentException} naming the problem. */
    public static ClientVersion of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not a version: expected up to " + MAX_PARTS
                        + " dot-separated numbers such as 6.0.0602 or 14.0.8117.0416"));
    }

    private static long[] parts(String text) {
        int len = text.length();
        if (len == 0) {
            return null;
        }
        long[] out = new long[MAX_PARTS];
        int count = 0;
        int digits = 0;
        long value = 0;
        for (int i = 0; i <= len; i++) {
            char c = i == len ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || count == MAX_PARTS) {
                    return null;
                }
                out[count++] = value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (++digits > MAX_DIGITS) {
                    return null;
                }
                value = value * 10 + (c - '0');
            } else {
                return null;
            }
        }
        return out;
    }

    public String text() {
        return text;
    }

    @Override
    public int compareTo(ClientVersion other) {
        for (int i = 0; i < MAX_PARTS; i++) {
            int c = Long.compare(parts[i], other.parts[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    public boolean isBelow(ClientVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientVersion v && Arrays.equals(parts, v.parts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parts);
    }

    @Override
    public String toString() {
        return text;
    }
}

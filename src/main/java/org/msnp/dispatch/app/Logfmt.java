package org.msnp.dispatch.app;

/**
 * Values in logfmt (the {@code key=value} convention of the connection log). A value made only of
 * printable ASCII other than space, {@code "}, {@code =} and {@code \} is written as it is;
 * anything else is quoted, with {@code "} and {@code \} escaped and every byte outside printable
 * ASCII (control bytes, CR, LF, ESC, DEL, U+0085 and other non-ASCII) written as {@code \xHH} or
 * {@code \}{@code uHHHH}, so that no client text can end the line, overprint it, colour a terminal
 * or forge a field.
 */
public final class Logfmt {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Logfmt() {
    }

    /** Appends {@code v} to {@code b} as a logfmt value. */
    public static void value(StringBuilder b, CharSequence v) {
        if (v.length() == 0) {
            b.append("\"\"");
            return;
        }
        if (plain(v)) {
            b.append(v);
            return;
        }
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else if (c < 0x100) {
                b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        b.append('"');
    }

    public static String value(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2);
        value(b, v);
        return b.toString();
    }

    private static boolean plain(CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}

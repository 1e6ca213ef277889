package org.msnp.dispatch.protocol;

import java.util.Arrays;

/**
 * Splits a command line on runs of SP/HT. Runs rather than single spaces because real clients
 * send a double space inside CVR and a trailing space after INF and after the empty seventh CVQ
 * parameter of MSNP4–7 (clients.md §6, cvq-cvr.md §3): neither carries information.
 */
final class Tokens {
    private static final String[] NONE = new String[0];

    private Tokens() {
    }

    static String[] split(String line) {
        int len = line.length();
        String[] out = new String[8];
        int count = 0;
        int i = 0;
        while (i < len) {
            while (i < len && isSeparator(line.charAt(i))) {
                i++;
            }
            if (i == len) {
                break;
            }
            int start = i;
            while (i < len && !isSeparator(line.charAt(i))) {
                i++;
            }
            if (count == out.length) {
                out = Arrays.copyOf(out, count * 2);
            }
            out[count++] = line.substring(start, i);
        }
        if (count == 0) {
            return NONE;
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    /** As {@link #split(String)}, from the ISO-8859-1 bytes {@code line[0, length)}, words through {@code cache}. */
    static String[] split(byte[] line, int length, TokenCache cache) {
        String[] out = cache.words;
        int count = 0;
        int i = 0;
        while (i < length) {
            while (i < length && isSeparator((char) line[i])) {
                i++;
            }
            if (i == length) {
                break;
            }
            int start = i;
            while (i < length && !isSeparator((char) line[i])) {
                i++;
            }
            if (count == out.length) {
                out = Arrays.copyOf(out, count * 2);
                cache.words = out;
            }
            out[count++] = cache.text(line, start, i);
        }
        if (count == 0) {
            return NONE;
        }
        String[] words = Arrays.copyOf(out, count);
        // a word too long for the slots is not held past its line
        Arrays.fill(out, 0, count, null);
        cache.wordsDone();
        return words;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t';
    }
}

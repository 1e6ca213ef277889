package org.msnp.dispatch.protocol;

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
        int count = count(line);
        if (count == 0) {
            return NONE;
        }
        // counted first: one array of the right size, nothing copied
        String[] out = new String[count];
        int len = line.length();
        int i = 0;
        for (int k = 0; k < count; k++) {
            while (isSeparator(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < len && !isSeparator(line.charAt(i))) {
                i++;
            }
            out[k] = line.substring(start, i);
        }
        return out;
    }

    private static int count(String line) {
        int count = 0;
        boolean inToken = false;
        for (int i = 0; i < line.length(); i++) {
            boolean separator = isSeparator(line.charAt(i));
            if (!separator && !inToken) {
                count++;
            }
            inToken = !separator;
        }
        return count;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t';
    }
}

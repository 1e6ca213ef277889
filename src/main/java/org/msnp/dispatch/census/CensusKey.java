package org.msnp.dispatch.census;

/**
 * What one finished conversation is counted under (the hour and the node are added by the
 * census). Every field is made safe on the way in, so that nothing a client sent reaches the
 * database, a page or an export unchecked:
 * <ul>
 *   <li>absent ({@code null}) or empty: {@code -};</li>
 *   <li>every character other than the ASCII letters, digits, {@code .}, {@code _} and {@code -}
 *       becomes {@code _} (so no space, quote, markup, control or non-ASCII character survives);</li>
 *   <li>longer than the field's width ({@value #CLIENT_TEXT_WIDTH} for the client's library, build and
 *       OS type, less for the server's own labels): cut to that width.</li>
 * </ul>
 * The check costs nothing when the text is already clean (the same string is kept).
 *
 * @param transport {@code tcp} or {@code http}
 * @param dialect   {@code MSNP8}, {@code CVR0}, {@code -}
 * @param library   client library from CVR/CVQ ({@code MSNMSGR}), {@code -} when none was sent
 * @param build     client build ({@code 6.0.0602})
 * @param osType    {@code winnt}, {@code win}, {@code mac}, …
 * @param locale    {@code 0x0409}
 * @param outcome   the log's outcome label: {@code xfr}, {@code cvq-answered}, {@code rejected-715}, …
 * @param verdict   the log's verdict label: {@code current}, {@code upgrade-offered}, {@code below-minimum},
 *                  {@code unknown} or {@code none}
 */
public record CensusKey(String transport, String dialect, String library, String build, String osType,
                        String locale, String outcome, String verdict) {

    /** Widest client-supplied value kept (library, build, OS type). */
    public static final int CLIENT_TEXT_WIDTH = 64;
    /** What library, build and OS type become when an hour has too many distinct keys. */
    public static final String OTHER = "other";
    static final String NONE = "-";

    public CensusKey {
        transport = clean(transport, 8);
        dialect = clean(dialect, 16);
        library = clean(library, CLIENT_TEXT_WIDTH);
        build = clean(build, CLIENT_TEXT_WIDTH);
        osType = clean(osType, CLIENT_TEXT_WIDTH);
        locale = clean(locale, 16);
        outcome = clean(outcome, 32);
        verdict = clean(verdict, 16);
    }

    /** The same conversation with its client text folded to {@code other}. */
    CensusKey folded() {
        return new CensusKey(transport, dialect, OTHER, OTHER, OTHER, locale, outcome, verdict);
    }

    static String clean(String text, int width) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        int n = text.length();
        boolean ok = n <= width;
        for (int i = 0; ok && i < n; i++) {
            ok = allowed(text.charAt(i));
        }
        if (ok) {
            return text;
        }
        StringBuilder b = new StringBuilder(Math.min(n, width));
        for (int i = 0; i < n && b.length() < width; i++) {
            char c = text.charAt(i);
            b.append(allowed(c) ? c : '_');
        }
        return b.toString();
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }
}

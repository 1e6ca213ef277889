package org.msnp.dispatch.nodes;

/** Text that goes into a log line, a table or a page: one line, bounded. */
final class Text {
    private Text() {
    }

    /** {@code text} with every control or format character (line breaks, bidi overrides) as {@code ?}, cut to {@code max}. */
    static String printable(String text, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < max; ) {
            int cp = text.codePointAt(i);
            b.appendCodePoint(allowed(cp) ? cp : '?');
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /** Not a control character, not an invisible format character, not a lone surrogate. */
    static boolean allowed(int cp) {
        int type = Character.getType(cp);
        return !Character.isISOControl(cp) && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.UNASSIGNED && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }

    /** Whether every character of {@code text} is {@link #allowed}. */
    static boolean isPrintable(String text) {
        return text.codePoints().allMatch(Text::allowed);
    }
}

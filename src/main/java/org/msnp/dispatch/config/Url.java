package org.msnp.dispatch.config;

/** A URL as it goes into a CVR/CVQ reply: one token of printable ASCII, no spaces. */
public record Url(String text) {
    public Url {
        if (text.isEmpty() || text.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("'" + text + "' is not usable in a reply: a URL must be printable ASCII "
                    + "without spaces (encode a space as %20)");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}

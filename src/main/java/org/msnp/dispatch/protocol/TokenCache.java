package org.msnp.dispatch.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The words of recent command lines, kept to be handed out again: nearly every token of a login
 * (the verbs, small TrIDs, dialect names, locale, OS, client name and version, the USR package) is
 * one that many clients send alike, and a line read through this cache makes a new string only for
 * a word it has not seen lately. One slot per hash value ({@value #SLOTS} of them, the newer word
 * taking the slot), so that no choice of words by clients can make a lookup cost more than one
 * comparison; words longer than {@value #LONGEST} characters (e-mail addresses, mostly) are not kept.
 *
 * <p>Also holds the buffer a line's bytes are read into. Not thread-safe: one per thread.
 */
public final class TokenCache {
    static final int SLOTS = 1024;
    static final int LONGEST = 24;
    private final String[] slots = new String[SLOTS];
    private byte[] line = new byte[256];
    /** Where a line's words are gathered before they are copied out, as many as it has. */
    String[] words = new String[16];

    /** A buffer of at least {@code length} bytes for the next line (the same one as before when it is long enough). */
    public byte[] lineBuffer(int length) {
        if (line.length < length) {
            line = new byte[Math.max(length, line.length * 2)];
        }
        return line;
    }

    /** The text of {@code bytes[from, to)} read as ISO-8859-1: a kept string when one matches. */
    String text(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length > LONGEST) {
            return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        }
        int h = length;
        for (int i = from; i < to; i++) {
            h = 31 * h + bytes[i];
        }
        int slot = (h ^ (h >>> 13)) & (SLOTS - 1);
        String kept = slots[slot];
        if (kept != null && matches(kept, bytes, from, length)) {
            return kept;
        }
        String made = new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        slots[slot] = made;
        return made;
    }

    private static boolean matches(String kept, byte[] bytes, int from, int length) {
        if (kept.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (kept.charAt(i) != (char) (bytes[from + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}

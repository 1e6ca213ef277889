package org.msnp.dispatch.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The words of recent command lines, kept to be handed out again: nearly every token of a login
 * (the verbs, small TrIDs, dialect names, locale, OS, client name and version, the USR package) is
 * one that many clients send alike, and a line read through this cache makes a new string only for
 * a word it has not seen lately. One slot per hash value ({@value #SLOTS} of them, the newer word
 * taking the slot), so that no choice of words by clients can make a lookup cost more than one
 * comparison; words longer than {@value #LONGEST} characters and e-mail addresses are not kept.
 *
 * <p>Also holds the buffer a line's bytes are read into. Not thread-safe: one per thread.
 */
public final class TokenCache {
    static final int SLOTS = 1024;
    static final int LONGEST = 24;
    /** What {@link #slot} says of a word that is not kept. */
    static final int NOT_KEPT = -1;
    /** The longest line whose buffer is kept; a longer one (only with a raised max-line-length) gets one of its own. */
    static final int KEPT_LINE = 4096;
    /** As many words as a line may have before the array that gathers them is not kept. */
    static final int KEPT_WORDS = 64;
    private final String[] slots = new String[SLOTS];
    private final byte[] line = new byte[KEPT_LINE];
    /** Where a line's words are gathered before they are copied out. */
    String[] words = new String[16];

    /**
     * A buffer of at least {@code length} bytes for the next line: the thread's own when the line is
     * no longer than {@value #KEPT_LINE} bytes, else one for this line alone (so that one long line
     * leaves no large buffer behind).
     */
    public byte[] lineBuffer(int length) {
        return length <= line.length ? line : new byte[length];
    }

    /** After a line of many words: the gathering array goes back to its usual size. */
    void wordsDone() {
        if (words.length > KEPT_WORDS) {
            words = new String[16];
        }
    }

    /** The text of {@code bytes[from, to)} read as ISO-8859-1: a kept string when one matches. */
    String text(byte[] bytes, int from, int to) {
        int length = to - from;
        int slot = length > LONGEST ? NOT_KEPT : slot(bytes, from, to);
        if (slot == NOT_KEPT) {
            return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        }
        String kept = slots[slot];
        if (kept != null && matches(kept, bytes, from, length)) {
            return kept;
        }
        String made = new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        slots[slot] = made;
        return made;
    }

    /**
     * The slot of the word {@code bytes[from, to)}, or {@link #NOT_KEPT} for an e-mail address
     * (one client's own: not worth a slot, and not kept past its line). One pass over the word.
     */
    static int slot(byte[] bytes, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '@') {
                return NOT_KEPT;
            }
            h = 31 * h + b;
        }
        return (h ^ (h >>> 13)) & (SLOTS - 1);
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

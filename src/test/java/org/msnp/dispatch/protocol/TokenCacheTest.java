package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A line read from its bytes through the cache of recent words reads as the same line as text. */
class TokenCacheTest {

    private static Command parse(TokenCache cache, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        byte[] buffer = cache.lineBuffer(bytes.length);
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        return Command.parse(buffer, bytes.length, cache);
    }

    @Provide
    Arbitrary<List<String>> lineLists() {
        // few letters: many lines share words; Latin-1 above 0x7f: bytes that are negative in Java
        return Arbitraries.strings().withChars(" \t\u0000\u00e9\u00ffVERCUS0123456789xMNP.@").ofMaxLength(80)
                .list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 400)
    void everyLineReadsAsItsText(@ForAll("lineLists") List<String> lines) {
        TokenCache cache = new TokenCache();
        for (String line : lines) {
            assertThat(parse(cache, line)).isEqualTo(Command.parse(line));
        }
    }

    @Test
    void aWordSeenBeforeIsHandedOutAgainAndOnlyAsItsOwnText() {
        TokenCache cache = new TokenCache();
        Command.Cvr first = (Command.Cvr) parse(cache, "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.2.0208 MSMSGS someone.with.a.long.name@example.com");
        Command.Cvr second = (Command.Cvr) parse(cache, "CVR 7 0x0409 winnt 5.1 i386 MSNMSGR 6.2.0208 MSMSGS someone.with.a.long.name@example.com");
        assertThat(second.params()).isEqualTo(first.params());
        for (int i = 0; i < 7; i++) {
            assertThat(second.params().get(i)).isSameAs(first.params().get(i));
        }
        // the address is longer than the slots keep: a string of its own each time
        assertThat(second.params().get(7)).isNotSameAs(first.params().get(7));
        // and a short one is an address all the same: not kept either
        Command.Usr a1 = (Command.Usr) parse(cache, "USR 3 TWN I a@b.c");
        Command.Usr a2 = (Command.Usr) parse(cache, "USR 3 TWN I a@b.c");
        assertThat(a2.params()).isEqualTo(a1.params()).containsExactly("TWN", "I", "a@b.c");
        assertThat(a2.params().get(0)).isSameAs(a1.params().get(0));
        assertThat(a2.params().get(2)).isNotSameAs(a1.params().get(2));
        Command.Cvr other = (Command.Cvr) parse(cache, "CVR 2 0x0407 winnt 5.2 i386 MSNMSGR 6.2.0209 MSMSGS a@b.c");
        assertThat(other.params()).containsExactly("0x0407", "winnt", "5.2", "i386", "MSNMSGR", "6.2.0209", "MSMSGS", "a@b.c");
    }

    /**
     * Two words of the same length that differ only at {@code at} and share a slot: every byte
     * there, around each of a run of other words. (Not the last character: a difference there alone
     * moves the hash by less than the number of slots, and no such pair shares one.)
     */
    private static String[] sameSlotPair(String around, int at) {
        byte[] word = around.getBytes(StandardCharsets.ISO_8859_1);
        int other = at == 0 ? 1 : 0;
        for (int context = 0x21; context < 0x100; context++) {
            word[other] = (byte) context;
            int[] firstInSlot = new int[TokenCache.SLOTS];
            java.util.Arrays.fill(firstInSlot, -1);
            for (int b = 0x21; b < 0x100; b++) {
                word[at] = (byte) b;
                int slot = TokenCache.slot(word, 0, word.length);
                if (slot == TokenCache.NOT_KEPT) {
                    continue;
                }
                if (firstInSlot[slot] >= 0) {
                    String second = new String(word, StandardCharsets.ISO_8859_1);
                    word[at] = (byte) firstInSlot[slot];
                    return new String[] {new String(word, StandardCharsets.ISO_8859_1), second};
                }
                firstInSlot[slot] = b;
            }
        }
        throw new AssertionError("no two words around " + around + " differing at " + at + " share a slot");
    }

    @Test
    void wordsThatShareASlotAreNeverTakenForEachOther() {
        TokenCache cache = new TokenCache();
        // differing at the first, a middle and the last but one character
        for (int at : new int[] {0, 3, 6}) {
            String[] pair = sameSlotPair("6.2.0208", at);
            byte[] a = pair[0].getBytes(StandardCharsets.ISO_8859_1);
            byte[] b = pair[1].getBytes(StandardCharsets.ISO_8859_1);
            assertThat(TokenCache.slot(a, 0, a.length)).isEqualTo(TokenCache.slot(b, 0, b.length));
            assertThat(pair[0]).hasSameSizeAs(pair[1]).isNotEqualTo(pair[1]);
            for (String line : new String[] {pair[0], pair[1], pair[0], pair[1], pair[1]}) {
                Command.Cvr cvr = (Command.Cvr) parse(cache, "CVR 2 " + line);
                assertThat(cvr.params()).containsExactly(line);
            }
        }
    }

    @Test
    void aLongLineLeavesNoLargeBuffersBehind() {
        TokenCache cache = new TokenCache();
        byte[] kept = cache.lineBuffer(100);
        assertThat(cache.lineBuffer(TokenCache.KEPT_LINE)).isSameAs(kept);
        byte[] own = cache.lineBuffer(TokenCache.KEPT_LINE + 1);
        assertThat(own).isNotSameAs(kept).hasSize(TokenCache.KEPT_LINE + 1);
        assertThat(cache.lineBuffer(200)).isSameAs(kept);
        String many = "USR 3" + " w".repeat(5_000);
        assertThat(((Command.Usr) parse(cache, many)).params()).hasSize(5_000);
        assertThat(cache.words.length).isLessThanOrEqualTo(TokenCache.KEPT_WORDS);
    }

    @Test
    void moreWordsThanSlotsStillReadRightAndALongLineGrowsItsBuffers() {
        TokenCache cache = new TokenCache();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 3 * TokenCache.SLOTS; i++) {
            words.add("w" + Integer.toString(i * 7919, 36));
        }
        String line = "USR 3 " + String.join(" ", words);
        Command.Usr usr = (Command.Usr) parse(cache, line);
        assertThat(usr.params()).isEqualTo(words);
        // and again, now with the slots full of other words
        assertThat(parse(cache, "USR 4 " + String.join(" ", words.subList(0, 50))))
                .isEqualTo(new Command.Usr("4", words.subList(0, 50)));
        assertThat(parse(cache, "VER 1 MSNP8 CVR0")).isEqualTo(new Command.Ver("1", List.of("MSNP8", "CVR0")));
    }
}

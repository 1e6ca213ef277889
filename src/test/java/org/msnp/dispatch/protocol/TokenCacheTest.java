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
        // a word of the same length in the same slot, or not, is never taken for another
        Command.Cvr other = (Command.Cvr) parse(cache, "CVR 2 0x0407 winnt 5.2 i386 MSNMSGR 6.2.0209 MSMSGS a@b.c");
        assertThat(other.params()).containsExactly("0x0407", "winnt", "5.2", "i386", "MSNMSGR", "6.2.0209", "MSMSGS", "a@b.c");
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

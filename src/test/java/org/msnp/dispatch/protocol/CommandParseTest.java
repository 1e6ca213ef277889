package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading one client line (dispatch-server.md §2). */
class CommandParseTest {

    @Test
    void ver() {
        assertThat(Command.parse("VER 1 MSNP8 CVR0")).isEqualTo(new Command.Ver("1", List.of("MSNP8", "CVR0")));
    }

    @Test
    void verWithoutNamesStillHasItsTrId() {
        assertThat(Command.parse("VER 1")).isEqualTo(new Command.Ver("1", List.of()));
    }

    @Test
    void runsOfSpacesAndTabsSeparateTokens() {
        assertThat(Command.parse("VER  1 \t MSNP8\t\tCVR0"))
                .isEqualTo(new Command.Ver("1", List.of("MSNP8", "CVR0")));
        // clients.md §6: a double space inside CVR carries no empty token
        assertThat(Command.parse("CVR 1 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS  someone@example.com"))
                .isEqualTo(new Command.Cvr("1", List.of("0x0409", "winnt", "5.1", "i386", "MSNMSGR", "6.0.0602",
                        "MSMSGS", "someone@example.com")));
    }

    @Test
    void leadingAndTrailingSpaceIsNotAToken() {
        assertThat(Command.parse("INF 2 ")).isEqualTo(new Command.Inf("2"));
        assertThat(Command.parse("  INF 2")).isEqualTo(new Command.Inf("2"));
        // V047: the empty 7th CVQ parameter of MSNP4-7 as a trailing space
        assertThat(Command.parse("CVQ 2 0x0409 winnt 5.1 i386 MSMSGS 4.6.0073 "))
                .isEqualTo(new Command.Cvq("2", List.of("0x0409", "winnt", "5.1", "i386", "MSMSGS", "4.6.0073")));
    }

    @ParameterizedTest(name = "blank line ''{0}''")
    @ValueSource(strings = {"", " ", "\t", "  \t  "})
    void aBlankLineIsOtherWithAnEmptyVerb(String line) {
        assertThat(Command.parse(line)).isEqualTo(new Command.Other(""));
    }

    @Test
    void verbsAreCaseSensitive() {
        // V054: ACL sends "Out" after the referral
        assertThat(Command.parse("Out")).isEqualTo(new Command.Other("Out"));
        assertThat(Command.parse("ver 1 MSNP8")).isEqualTo(new Command.Other("ver"));
        assertThat(Command.parse("Usr 3 TWN I a@b.c")).isEqualTo(new Command.Other("Usr"));
        assertThat(Command.parse("OUT")).isEqualTo(new Command.Out());
    }

    @Test
    void nsAndSbVerbsAreOther() {
        assertThat(Command.parse("SYN 2 0")).isEqualTo(new Command.Other("SYN"));
        assertThat(Command.parse("XFR 2 NS")).isEqualTo(new Command.Other("XFR"));
        assertThat(Command.parse("CVRO 1")).isEqualTo(new Command.Other("CVRO"));
    }

    @Test
    void eachLoginVerbGetsItsRecord() {
        assertThat(Command.parse("INF 2")).isEqualTo(new Command.Inf("2"));
        assertThat(Command.parse("CVQ 2 0x0409")).isEqualTo(new Command.Cvq("2", List.of("0x0409")));
        assertThat(Command.parse("USR 3 TWN I example@hotmail.com"))
                .isEqualTo(new Command.Usr("3", List.of("TWN", "I", "example@hotmail.com")));
        assertThat(Command.parse("OUT 5")).isEqualTo(new Command.Out());
    }

    @ParameterizedTest(name = "TrID {0} is valid")
    @ValueSource(strings = {"0", "1", "20", "4294967295", "0000000001", "4294967294"})
    void validTrIds(String trId) {
        assertThat(TrId.isValid(trId)).isTrue();
        assertThat(Command.parse("VER " + trId + " MSNP8")).isEqualTo(new Command.Ver(trId, List.of("MSNP8")));
    }

    @ParameterizedTest(name = "TrID ''{0}'' is refused")
    @ValueSource(strings = {"4294967296", "9999999999", "42949672950", "abc", "1a", "-1", "+1", "1.0", "0x10",
            "\u0661"})
    void invalidTrIds(String trId) {
        assertThat(TrId.isValid(trId)).isFalse();
        assertThat(Command.parse("VER " + trId + " MSNP8 CVR0")).isEqualTo(new Command.NoTrId("VER"));
        assertThat(Command.parse("USR " + trId + " TWN I a@b.c")).isEqualTo(new Command.NoTrId("USR"));
    }

    @Test
    void aMissingTrIdIsNoTrId() {
        // V004: "VER MSNP8 CVR0" -- the dialect is not a TrID
        assertThat(Command.parse("VER MSNP8 CVR0")).isEqualTo(new Command.NoTrId("VER"));
        assertThat(Command.parse("VER")).isEqualTo(new Command.NoTrId("VER"));
        assertThat(Command.parse("INF")).isEqualTo(new Command.NoTrId("INF"));
        assertThat(Command.parse("CVR ")).isEqualTo(new Command.NoTrId("CVR"));
        assertThat(Command.parse("CVQ")).isEqualTo(new Command.NoTrId("CVQ"));
        assertThat(Command.parse("USR")).isEqualTo(new Command.NoTrId("USR"));
    }

    @Test
    void emptyTrIdIsNotValid() {
        assertThat(TrId.isValid("")).isFalse();
    }

    // --- properties ----------------------------------------------------------------------------

    @Provide
    Arbitrary<String> lines() {
        return Arbitraries.strings().withChars(" \t\u0000\u00ffVERINFCUSOT0123456789xMSNP.@").ofMaxLength(60);
    }

    @Property(tries = 500)
    void parsingNeverFailsAndTokensNeverHoldSeparators(@ForAll("lines") String line) {
        Command c = Command.parse(line);
        assertThat(c).isNotNull();
        List<String> tokens = List.of();
        if (c instanceof Command.Ver v) {
            tokens = v.offered();
        } else if (c instanceof Command.Cvr v) {
            tokens = v.params();
        } else if (c instanceof Command.Cvq v) {
            tokens = v.params();
        } else if (c instanceof Command.Usr v) {
            tokens = v.params();
        }
        assertThat(tokens).allSatisfy(t -> assertThat(t).isNotEmpty().doesNotContain(" ", "\t"));
    }

    @Property(tries = 300)
    void aTrIdIsEchoedVerbatim(@ForAll @net.jqwik.api.constraints.LongRange(max = 4294967295L) long n) {
        String trId = Long.toString(n);
        Command c = Command.parse("CVR " + trId + " 0x0409");
        assertThat(c).isEqualTo(new Command.Cvr(trId, List.of("0x0409")));
    }
}

package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Dialect families as the DS sees them (dispatch-server.md §3, §4.5). */
class DialectTest {

    @Test
    void numbersRunFromTwoToTwentyThree() {
        assertThat(Dialect.MSNP2.number()).isEqualTo(2);
        assertThat(Dialect.MSNP8.number()).isEqualTo(8);
        assertThat(Dialect.MSNP23.number()).isEqualTo(23);
        assertThat(Dialect.values()).hasSize(22);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void nameNumberAndOfNumberAgree(Dialect d) {
        assertThat(d.name()).isEqualTo("MSNP" + d.number());
        assertThat(Dialect.number(d.name(), false)).isEqualTo(d.number());
        assertThat(Dialect.ofNumber(d.number())).isEqualTo(d);
        assertThat(Dialect.parse(d.name(), false)).contains(d);
    }

    @ParameterizedTest(name = "''{0}'' is not a dialect")
    @ValueSource(strings = {"MSNP1", "MSNP0", "MSNP24", "MSNP99", "MSNP02", "MSNP08", "MSNP", "MSNP123", "CVR0",
            "CVRO", "MSNPx", "MSNP 8", "MYPROTOCOL", "", "MSN8", "XMSNP8"})
    void notADialect(String token) {
        assertThat(Dialect.number(token, false)).isEqualTo(-1);
        assertThat(Dialect.number(token, true)).isEqualTo(-1);
        assertThat(Dialect.parse(token, true)).isEmpty();
    }

    @Test
    void dialectNamesAreCaseSensitiveUnlessAsked() {
        // V010: PIKI (case-sensitive) vs DRAFT (not)
        assertThat(Dialect.number("msnp8", false)).isEqualTo(-1);
        assertThat(Dialect.number("Msnp8", false)).isEqualTo(-1);
        assertThat(Dialect.number("msnp8", true)).isEqualTo(8);
        assertThat(Dialect.parse("mSnP21", true)).contains(Dialect.MSNP21);
    }

    @Test
    void ofNumberRefusesWhatDoesNotExist() {
        assertThatThrownBy(() -> Dialect.ofNumber(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dialect.ofNumber(24)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "MSNP2, BARE",
            "MSNP3, ZERO", "MSNP4, ZERO", "MSNP5, ZERO", "MSNP6, ZERO",
            "MSNP7, ZERO_CURRENT", "MSNP8, ZERO_CURRENT", "MSNP9, ZERO_CURRENT", "MSNP10, ZERO_CURRENT",
            "MSNP11, ZERO_CURRENT", "MSNP12, ZERO_CURRENT",
            "MSNP13, U_D", "MSNP14, U_D", "MSNP15, U_D", "MSNP16, U_D", "MSNP17, U_D", "MSNP18, U_D",
            "MSNP19, U_D", "MSNP20, U_D",
            "MSNP21, U_D_STATE", "MSNP22, U_D_STATE", "MSNP23, U_D_STATE",
    })
    void xfrLayoutPerFamily(Dialect d, XfrLayout layout) {
        assertThat(d.xfrLayout()).isEqualTo(layout);
    }

    @ParameterizedTest(name = "{0}: MD5={1} CTP={2} TWN={3} SSO={4}")
    @CsvSource({
            "MSNP2,  true,  true,  false, false",
            "MSNP3,  true,  false, false, false",
            "MSNP6,  true,  false, false, false",
            "MSNP7,  true,  false, false, false",
            "MSNP8,  false, false, true,  false",
            "MSNP12, false, false, true,  false",
            "MSNP13, false, false, true,  false",
            "MSNP14, false, false, true,  false",
            "MSNP15, false, false, true,  true",
            "MSNP20, false, false, true,  true",
            "MSNP21, false, false, true,  true",
            "MSNP23, false, false, true,  true",
    })
    void packagesPerFamily(Dialect d, boolean md5, boolean ctp, boolean twn, boolean sso) {
        assertThat(d.acceptsPackage("MD5")).isEqualTo(md5);
        assertThat(d.acceptsPackage("CTP")).isEqualTo(ctp);
        assertThat(d.acceptsPackage("TWN")).isEqualTo(twn);
        assertThat(d.acceptsPackage("SSO")).isEqualTo(sso);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void unknownAndLowerCasePackagesAreRefusedEverywhere(Dialect d) {
        // V030: USR 9 BAD I ...
        assertThat(d.acceptsPackage("BAD")).isFalse();
        assertThat(d.acceptsPackage("md5")).isFalse();
        assertThat(d.acceptsPackage("twn")).isFalse();
        assertThat(d.acceptsPackage("")).isFalse();
    }

    @Test
    void legacyMeansMsnp2To7() {
        assertThat(EnumSet.allOf(Dialect.class).stream().filter(Dialect::isLegacy))
                .containsExactly(Dialect.MSNP2, Dialect.MSNP3, Dialect.MSNP4, Dialect.MSNP5, Dialect.MSNP6,
                        Dialect.MSNP7);
    }
}

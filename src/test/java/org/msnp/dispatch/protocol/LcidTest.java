package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Locale identifiers in CVR/CVQ (cvq-cvr.md §7). */
class LcidTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0x0409, 1033",   // en-US, every WIKI example
            "0X0409, 1033",   // upper-case X
            "0x409, 1033",    // three digits
            "0x040c, 1036",   // fr-FR (MSNPS)
            "0x040C, 1036",   // upper-case hex digit
            "0x0804, 2052",   // zh-CN (ACL)
            "0x0412, 1042",   // ko-KR (clients.md §6)
            "0x1111, 4369",   // parses; only unknown (WIKI's 710 example)
            "0xffff, 65535",
            "0x0, 0",
    })
    void parses(String token, int value) {
        assertThat(Lcid.parse(token)).isEqualTo(value);
    }

    @ParameterizedTest(name = "''{0}'' is malformed")
    @ValueSource(strings = {
            "0409",       // no 0x
            "x0409",      // no leading 0
            "0x",         // no digits
            "0x04090",    // five digits
            "0x0g09",     // not hex
            "0x-409",     // sign
            "0x 409",     // space
            "1x0409",     // wrong prefix
            "0y0409",
            "en-US",      // a tag, not an LCID (P021)
            "spaghetti",  // V043
            "",
            "0",
    })
    void malformed(String token) {
        assertThat(Lcid.parse(token)).isEqualTo(Lcid.MALFORMED);
    }

    @Test
    void theLocalesSeenOnTheWireAreKnown() {
        assertThat(Lcid.isKnown(0x0409)).isTrue();
        assertThat(Lcid.isKnown(0x040c)).isTrue();
        assertThat(Lcid.isKnown(0x0804)).isTrue();
        assertThat(Lcid.isKnown(0x0412)).isTrue();
    }

    @Test
    void wikisInvalidLocaleIsUnknown() {
        assertThat(Lcid.isKnown(0x1111)).isFalse();
    }

    @Test
    void outOfRangeValuesAreUnknownNotErrors() {
        assertThat(Lcid.isKnown(Lcid.MALFORMED)).isFalse();
        assertThat(Lcid.isKnown(0x10000)).isFalse();
        assertThat(Lcid.isKnown(0x10409)).isFalse();
        assertThat(Lcid.isKnown(0)).isFalse();
    }

    @Test
    void tagsComeFromMsLcid() {
        assertThat(Lcid.tag(0x0409)).contains("en-US");
        assertThat(Lcid.tag(0x040c)).contains("fr-FR");
        assertThat(Lcid.tag(0x0804)).contains("zh-CN");
        assertThat(Lcid.tag(0x0412)).contains("ko-KR");
        assertThat(Lcid.tag(0x1111)).isEmpty();
    }

    @Test
    void theShippedListIsTheWholeTableNotAHandful() {
        // [MS-LCID] has several hundred 16-bit identifiers.
        assertThat(Lcid.count()).isGreaterThan(400);
    }

    @Test
    void formatWritesFourLowerCaseHexDigits() {
        assertThat(Lcid.format(0x0409)).isEqualTo("0x0409");
        assertThat(Lcid.format(0x040c)).isEqualTo("0x040c");
        assertThat(Lcid.format(Lcid.parse("0X40C"))).isEqualTo("0x040c");
    }

    @Test
    void onlyAsciiHexDigitsAreHexDigits() {
        assertThat(Lcid.parse("0x\u0660\u0664\u0660\u0669")).isEqualTo(Lcid.MALFORMED);  // Arabic-Indic 0409
        assertThat(Lcid.parse("0x\uff14\uff10\uff19")).isEqualTo(Lcid.MALFORMED);        // full-width 409
    }
}

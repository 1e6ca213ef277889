package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client builds as CVR/CVQ carry them (cvq-cvr.md §5). */
class ClientVersionTest {

    private static ClientVersion v(String text) {
        return ClientVersion.of(text);
    }

    @Test
    void leadingZerosAreIgnored() {
        assertThat(v("6.0.0602")).isEqualTo(v("6.0.602"));
        assertThat(v("6.0.0602")).hasSameHashCodeAs(v("6.0.602"));
        assertThat(v("6.0.0602").compareTo(v("6.0.602"))).isZero();
    }

    @Test
    void theOriginalTextIsKeptBecauseRepliesEchoIt() {
        assertThat(v("6.0.0602").text()).isEqualTo("6.0.0602");
        assertThat(v("6.0.602").text()).isEqualTo("6.0.602");
        assertThat(v("14.0.8117.0416")).hasToString("14.0.8117.0416");
    }

    @Test
    void fourPartWlmBuildsParseAndCompare() {
        assertThat(ClientVersion.parse("14.0.8089.0726")).isPresent();
        assertThat(ClientVersion.parse("15.4.3502.0922")).isPresent();
        assertThat(v("15.4.3502.0922").isBelow(v("15.4.3508.1109"))).isTrue();
        assertThat(v("14.0.8089.0726").isBelow(v("8.5.1302"))).isFalse();
        assertThat(v("8.5.1302").isBelow(v("14.0.8089.0726"))).isTrue();
    }

    @Test
    void aThreePartBuildIsBelowItsFourPartRefinement() {
        assertThat(v("14.0.8117").isBelow(v("14.0.8117.0416"))).isTrue();
        assertThat(v("14.0.8117.0416").isBelow(v("14.0.8117"))).isFalse();
        assertThat(v("14.0.8117").compareTo(v("14.0.8117.0416"))).isNegative();
    }

    @Test
    void missingComponentsCountAsZero() {
        assertThat(v("6")).isEqualTo(v("6.0")).isEqualTo(v("6.0.0")).isEqualTo(v("6.0.0.0.0.0"));
        assertThat(v("14.0.8117")).isEqualTo(v("14.0.8117.0"));
        assertThat(v("3.5.1").compareTo(v("3.5.1.0"))).isZero();
    }

    @Test
    void componentsCompareAsNumbersNotText() {
        assertThat(v("6.10").isBelow(v("6.9"))).isFalse();
        assertThat(v("6.9").isBelow(v("6.10"))).isTrue();
        assertThat(v("10.0.0000").isBelow(v("9.9.9999"))).isFalse();
    }

    @Test
    void sixPartsAndNineDigitPartsAreTheLimits() {
        assertThat(ClientVersion.parse("1.2.3.4.5.6")).isPresent();
        assertThat(ClientVersion.parse("999999999.0")).isPresent();
        assertThat(v("999999999").isBelow(v("999999999.0.0.0.0.1"))).isTrue();
    }

    @ParameterizedTest(name = "''{0}'' does not parse")
    @ValueSource(strings = {
            "b.0.0328",          // the 8.0 beta (NINA)
            "",                  // nothing
            ".",                 // only a separator
            "6..0602",           // empty middle part
            ".6.0",              // empty first part
            "6.0.",              // empty last part
            "6.0.0602a",         // letter
            "6.0.06 02",         // space
            "-6.0",              // sign
            "+6.0",              // sign
            "6,0,0602",          // wrong separator
            "1.2.3.4.5.6.7",     // seven parts
            "1234567890.0",      // ten digits
            "1.0000000000",      // ten digits, leading zeros count too
            "\u0666.0.0602",     // an Arabic-Indic six is not an ASCII digit
    })
    void unparseable(String text) {
        assertThat(ClientVersion.parse(text)).isEmpty();
        assertThatThrownBy(() -> ClientVersion.of(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "' is not a version");
    }

    // --- properties ----------------------------------------------------------------------------

    @Provide
    Arbitrary<List<Integer>> parts() {
        return Arbitraries.integers().between(0, 99_999).list().ofMinSize(1).ofMaxSize(ClientVersion.MAX_PARTS);
    }

    private static String text(List<Integer> parts, int pad) {
        StringBuilder b = new StringBuilder();
        for (int p : parts) {
            if (b.length() > 0) {
                b.append('.');
            }
            String digits = Integer.toString(p);
            b.append("0".repeat(Math.max(0, Math.min(pad, 9 - digits.length())))).append(digits);
        }
        return b.toString();
    }

    /** The comparison a reader of cvq-cvr.md §5 would write: pad with zeros, compare numbers. */
    private static int naiveCompare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < ClientVersion.MAX_PARTS; i++) {
            int x = i < a.size() ? a.get(i) : 0;
            int y = i < b.size() ? b.get(i) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    @Property(tries = 300)
    void comparisonIsComponentWiseWithMissingPartsAsZero(@ForAll("parts") List<Integer> a,
                                                        @ForAll("parts") List<Integer> b,
                                                        @ForAll @net.jqwik.api.constraints.IntRange(max = 4) int padA,
                                                        @ForAll @net.jqwik.api.constraints.IntRange(max = 4) int padB) {
        ClientVersion va = v(text(a, padA));
        ClientVersion vb = v(text(b, padB));
        int expected = naiveCompare(a, b);
        assertThat(Integer.signum(va.compareTo(vb))).isEqualTo(expected);
        assertThat(Integer.signum(vb.compareTo(va))).isEqualTo(-expected);
        assertThat(va.equals(vb)).isEqualTo(expected == 0);
        if (expected == 0) {
            assertThat(va.hashCode()).isEqualTo(vb.hashCode());
        }
        assertThat(va.isBelow(vb)).isEqualTo(expected < 0);
    }
}

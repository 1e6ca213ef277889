package org.msnp.dispatch.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Accounts this service does not host: their USR is answered 931 (dispatch-server.md §4.5). */
class ForeignHandlesTest {

    @Test
    void aWholeDomainWithoutRegardToCase() {
        // P022
        ForeignHandles f = new ForeignHandles(List.of("*@elsewhere.example"));
        assertThat(f.contains("Someone@Elsewhere.Example")).isTrue();
        assertThat(f.contains("someone@elsewhere.example")).isTrue();
        assertThat(f.contains("a@ELSEWHERE.EXAMPLE")).isTrue();
    }

    @Test
    void aDomainPatternIsTheWholeDomainOnly() {
        ForeignHandles f = new ForeignHandles(List.of("*@elsewhere.example"));
        assertThat(f.contains("a@sub.elsewhere.example")).isFalse();
        assertThat(f.contains("a@elsewhere.example.org")).isFalse();
        assertThat(f.contains("a@notelsewhere.example")).isFalse();
        assertThat(f.contains("elsewhere.example")).isFalse();
        assertThat(f.contains("@elsewhere.examplx")).isFalse();
        assertThat(f.contains("")).isFalse();
    }

    @Test
    void anExactHandleWithoutRegardToCase() {
        // V031
        ForeignHandles f = new ForeignHandles(List.of("Example@Hotmail.com"));
        assertThat(f.contains("example@hotmail.com")).isTrue();
        assertThat(f.contains("EXAMPLE@HOTMAIL.COM")).isTrue();
        assertThat(f.contains("xexample@hotmail.com")).isFalse();
        assertThat(f.contains("example@hotmail.com.evil")).isFalse();
        assertThat(f.contains("other@hotmail.com")).isFalse();
    }

    @Test
    void severalPatterns() {
        ForeignHandles f = new ForeignHandles(List.of("someone@example.com", "*@elsewhere.example"));
        assertThat(f.contains("someone@example.com")).isTrue();
        assertThat(f.contains("b@elsewhere.example")).isTrue();
        assertThat(f.contains("other@example.com")).isFalse();
    }

    @Test
    void noneContainsNobody() {
        assertThat(ForeignHandles.NONE.contains("example@hotmail.com")).isFalse();
        assertThat(ForeignHandles.NONE.patterns()).isEmpty();
    }

    @Test
    void patternsAreKeptInLowerCase() {
        assertThat(new ForeignHandles(List.of("*@Elsewhere.Example")).patterns()).containsExactly("*@elsewhere.example");
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"elsewhere.example", "*.elsewhere.example", "a*@elsewhere.example", "*a@elsewhere.example",
            "some one@example.com", "*", ""})
    void invalidPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> new ForeignHandles(List.of(pattern)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is neither a handle (name@domain) nor *@domain");
    }
}

package org.msnp.dispatch.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.protocol.HostPort;

/** Choosing the Notification Server a client is referred to. */
class NsPoolTest {
    static final HostPort A = HostPort.parse("10.0.0.5:1863");
    static final HostPort B = HostPort.parse("10.0.0.6:1863");
    static final HostPort C = HostPort.parse("10.0.0.7:1863");

    private static NsPool pool(NsPool.Selection selection, int... weights) {
        List<HostPort> all = List.of(A, B, C).subList(0, weights.length);
        return new NsPool(all, IntStream.of(weights).boxed().toList(), selection);
    }

    private static List<HostPort> picks(NsPool p, int n) {
        List<HostPort> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(p.select("user" + i + "@example.com").orElseThrow());
        }
        return out;
    }

    private static void down(NsTarget t) {
        t.record(false, 1, 1);
    }

    @Test
    void roundRobinIsNginxsSmoothWeightedOrder() {
        // nginx's documented example: weights 5, 1, 1 -> a a b a c a a
        assertThat(NsPool.smoothSchedule(List.of(5, 1, 1))).containsExactly(0, 0, 1, 0, 2, 0, 0);
        assertThat(picks(pool(NsPool.Selection.ROUND_ROBIN, 5, 1, 1), 7)).containsExactly(A, A, B, A, C, A, A);
    }

    @Test
    void roundRobinWithEqualWeightsTakesTurns() {
        assertThat(picks(pool(NsPool.Selection.ROUND_ROBIN, 1, 1, 1), 6)).containsExactly(A, B, C, A, B, C);
    }

    @Test
    void roundRobinSharesInProportionToWeight() {
        List<HostPort> p = picks(pool(NsPool.Selection.ROUND_ROBIN, 1, 3), 400);
        assertThat(p.stream().filter(A::equals).count()).isEqualTo(100);
        assertThat(p.stream().filter(B::equals).count()).isEqualTo(300);
    }

    @Test
    void anUnhealthyTargetGetsNoReferrals() {
        NsPool p = pool(NsPool.Selection.ROUND_ROBIN, 1, 1, 1);
        down(p.targets().get(1));
        assertThat(picks(p, 30)).doesNotContain(B).contains(A, C);
        NsPool h = pool(NsPool.Selection.HANDLE_HASH, 1, 1, 1);
        down(h.targets().get(1));
        assertThat(picks(h, 300)).doesNotContain(B).contains(A, C);
    }

    @Test
    void withNoHealthyTargetNobodyIsReferred() {
        for (NsPool.Selection s : NsPool.Selection.values()) {
            NsPool p = pool(s, 1, 2);
            p.targets().forEach(NsPoolTest::down);
            assertThat(p.anyHealthy()).isFalse();
            assertThat(p.select("example@hotmail.com")).as(s.name()).isEmpty();
            NsPool empty = new NsPool(List.of(), List.of(), s);
            assertThat(empty.select("example@hotmail.com")).isEmpty();
            assertThat(empty.anyHealthy()).isFalse();
        }
    }

    @Test
    void oneWeightPerTarget() {
        assertThatThrownBy(() -> new NsPool(List.of(A, B), List.of(1), NsPool.Selection.ROUND_ROBIN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handleHashIsStableAndIgnoresCase() {
        NsPool p = pool(NsPool.Selection.HANDLE_HASH, 1, 1, 1);
        Optional<HostPort> first = p.select("Someone@Example.com");
        assertThat(first).isPresent();
        for (int i = 0; i < 5; i++) {
            assertThat(p.select("someone@example.com")).isEqualTo(first);
            assertThat(p.select("SOMEONE@EXAMPLE.COM")).isEqualTo(first);
        }
        assertThat(pool(NsPool.Selection.HANDLE_HASH, 1, 1, 1).select("someone@example.com")).isEqualTo(first);
    }

    @Test
    void handleHashUsesEveryTargetAndFollowsWeights() {
        Map<HostPort, Integer> count = new HashMap<>();
        for (HostPort hp : picks(pool(NsPool.Selection.HANDLE_HASH, 1, 1, 6), 4000)) {
            count.merge(hp, 1, Integer::sum);
        }
        assertThat(count).containsKeys(A, B, C);
        assertThat(count.get(C)).isGreaterThan(count.get(A) + count.get(B));
    }

    @Property(tries = 200)
    void onlyTheUsersOfATargetThatLeavesMove(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String user,
                                             @ForAll @IntRange(min = 0, max = 2) int leaving) {
        NsPool p = pool(NsPool.Selection.HANDLE_HASH, 1, 2, 3);
        String handle = user + "@example.com";
        HostPort before = p.select(handle).orElseThrow();
        down(p.targets().get(leaving));
        HostPort after = p.select(handle).orElseThrow();
        if (!before.equals(p.targets().get(leaving).address())) {
            assertThat(after).isEqualTo(before);
        } else {
            assertThat(after).isNotEqualTo(before);
        }
    }

    @Test
    void healthFallsAfterFallFailuresAndRisesAfterRiseSuccesses() {
        NsTarget t = pool(NsPool.Selection.ROUND_ROBIN, 1).targets().get(0);
        assertThat(t.isHealthy()).isTrue();
        assertThat(t.record(false, 2, 3)).isFalse();
        assertThat(t.record(false, 2, 3)).isFalse();
        assertThat(t.record(true, 2, 3)).isFalse();     // a success resets the failures
        assertThat(t.record(false, 2, 3)).isFalse();
        assertThat(t.record(false, 2, 3)).isFalse();
        assertThat(t.record(false, 2, 3)).isTrue();
        assertThat(t.isHealthy()).isFalse();
        assertThat(t.record(true, 2, 3)).isFalse();
        assertThat(t.record(false, 2, 3)).isFalse();    // a failure resets the successes
        assertThat(t.record(true, 2, 3)).isFalse();
        assertThat(t.record(true, 2, 3)).isTrue();
        assertThat(t.isHealthy()).isTrue();
        assertThat(t).hasToString("10.0.0.5:1863 (healthy)");
    }

    @Test
    void anUnhealthyTargetWaitsForRiseSuccesses() {
        NsTarget t = pool(NsPool.Selection.ROUND_ROBIN, 1).targets().get(0);
        t.record(false, 2, 1);
        assertThat(t.isHealthy()).isFalse();
        assertThat(t).hasToString("10.0.0.5:1863 (unhealthy)");
        assertThat(t.record(true, 2, 1)).isFalse();
        assertThat(t.record(true, 2, 1)).isTrue();
        assertThat(t.isHealthy()).isTrue();
    }
}

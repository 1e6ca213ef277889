package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Referrals follow the health of the Notification Servers (issue: NS pool). */
class NsPoolFailoverTest {

    static String referral(Application app) throws Exception {
        List<String> lines = Wire.msnp8Login(app.tcpAddress(), null);
        assertThat(lines).hasSize(3);
        return lines.get(2);
    }

    static String referredNs(Application app) throws Exception {
        String xfr = referral(app);
        assertThat(xfr).startsWith("XFR 3 NS ");
        return xfr.split(" ")[3];
    }

    /** Polls until {@code referrals} all go to {@code expected}, or fails after ~5 s. */
    static void awaitOnly(Application app, Set<String> expected) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.clear();
            for (int j = 0; j < 6; j++) {
                String r = referral(app);
                seen.add(r.startsWith("XFR") ? r.split(" ")[3] : r);
            }
            if (seen.equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void referralsMoveToTheHealthyTargetAnd600WhenAllAreDown() throws Exception {
        try (FakeNs a = new FakeNs(); FakeNs b = new FakeNs()) {
            Application app = Application.start(TestServers.config("""
                    public-address: 10.0.0.1:1863
                    notification-servers:
                      targets: [%s, %s]
                      health-check: {interval: 100ms, timeout: 200ms, rise: 2, fall: 2}
                    """.formatted(a.address(), b.address())), r -> { });
            try {
                awaitOnly(app, Set.of(a.address(), b.address()));

                b.stop();
                awaitOnly(app, Set.of(a.address()));
                assertThat(app.metrics().scrape()).contains("msnp_ns_healthy{target=\"" + b.address() + "\"} 0.0");

                a.stop();
                awaitOnly(app, Set.of("600 3"));
                assertThat(app.health().up()).isFalse();

                b.restart();
                awaitOnly(app, Set.of(b.address()));
                assertThat(app.health().up()).isTrue();
            } finally {
                app.stopNow();
            }
        }
    }

    @Test
    void roundRobinFollowsTheWeights() throws Exception {
        Application app = Application.start(TestServers.config("""
                notification-servers:
                  targets: [{address: 10.0.0.5:1863, weight: 3}, 10.0.0.6:1863]
                  health-check: {enabled: false}
                """), r -> { });
        try {
            int five = 0;
            for (int i = 0; i < 8; i++) {
                if (referredNs(app).equals("10.0.0.5:1863")) {
                    five++;
                }
            }
            assertThat(five).isEqualTo(6);
        } finally {
            app.stopNow();
        }
    }

    @Test
    void handleHashKeepsAUserOnOneTarget() throws Exception {
        Application app = Application.start(TestServers.config("""
                notification-servers:
                  selection: handle-hash
                  targets: [10.0.0.5:1863, 10.0.0.6:1863, 10.0.0.7:1863]
                  health-check: {enabled: false}
                """), r -> { });
        try {
            Set<String> targets = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                targets.add(referredNs(app));
            }
            assertThat(targets).hasSize(1);
            Set<String> spread = new HashSet<>();
            for (int u = 0; u < 40; u++) {
                try (Wire w = new Wire(app.tcpAddress())) {
                    w.send("VER 1 MSNP15 CVR0\r\nUSR 2 SSO I user" + u + "@example.com\r\n");
                    spread.add(w.readToClose(3000).get(1).split(" ")[3]);
                }
            }
            assertThat(spread).hasSize(3);
        } finally {
            app.stopNow();
        }
    }
}

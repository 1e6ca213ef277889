package org.msnp.dispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;

class GatewayLoadTest {

    private static Application start(String gatewayKeys) throws Exception {
        return Application.start(ConfigLoader.parse("listen: \"127.0.0.1:0\"\nadmin: {enabled: false}\n"
                + "notification-servers:\n  health-check:\n    enabled: false\n"
                + "gateway:\n  enabled: true\n  listen: \"127.0.0.1:0\"\n" + gatewayKeys, "test"), record -> { });
    }

    @Test
    void countsCompleteHandshakes() throws Exception {
        Application app = start("");
        try {
            InetSocketAddress gw = app.gatewayAddress().orElseThrow();
            GatewayLoad.Result r = GatewayLoad.run(gw.getHostString(), gw.getPort(), 2, Duration.ofMillis(300));
            assertThat(r.handshakes()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.latencyMicros().getTotalCount()).isEqualTo(r.handshakes());
            assertThat(r.summary()).startsWith("gateway handshakes: ").contains("c=2", "0 errors");
        } finally {
            app.stopNow();
        }
    }

    @Test
    void countsRefusedHandshakesAsErrors() throws Exception {
        Application app = start("  accept-ips: [gateway.example.net]\n");
        try {
            InetSocketAddress gw = app.gatewayAddress().orElseThrow();
            GatewayLoad.Result r = GatewayLoad.run(gw.getHostString(), gw.getPort(), 1, Duration.ofMillis(100));
            assertThat(r.handshakes()).isZero();
            assertThat(r.errors()).isPositive();
        } finally {
            app.stopNow();
        }
    }
}

package org.msnp.dispatch.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.config.GatewayConfig;
import org.msnp.dispatch.conformance.VectorConfig;

class GatewayConfigTest {

    @Test
    void defaults() {
        GatewayConfig g = DispatchConfig.defaults().gateway();
        assertThat(g.enabled()).isFalse();
        assertThat(g.listen().toString()).matches("0\\.0\\.0\\.0:(80|8080)");
        assertThat(g.publicHostName()).isEmpty();
        assertThat(g.sessionIdle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(g.maxSessions()).isEqualTo(50_000);
        assertThat(g.maxSessionsPerIp()).isEqualTo(256);
        assertThat(g.maxBodyBytes()).isEqualTo(16_384);
        assertThat(g.acceptIps()).isEmpty();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        GatewayConfig g = ConfigLoader.parse("""
                gateway:
                  enabled: true
                  listen: "127.0.0.1:0"
                  public-host: "gw.example.net:8080"
                  session-idle-timeout: 2m
                  max-sessions: 10
                  max-sessions-per-ip: 3
                  max-body-bytes: 4096
                  accept-ips: [Messenger.Hotmail.com, 10.0.0.1]
                """, "t.yaml").gateway();
        assertThat(g.enabled()).isTrue();
        assertThat(g.listenAddress().port()).isZero();
        assertThat(g.publicHostName()).contains("gw.example.net:8080");
        assertThat(g.sessionIdle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(g.maxSessions()).isEqualTo(10);
        assertThat(g.maxSessionsPerIp()).isEqualTo(3);
        assertThat(g.maxBodyBytes()).isEqualTo(4096);
        assertThat(g.acceptIps()).containsExactly("messenger.hotmail.com", "10.0.0.1");
    }

    @Test
    void badValuesNameTheFileLineAndKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("gateway:\n  max-body-bytes: 10\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yaml:").hasMessageContaining("gateway.max-body-bytes: ")
                .hasMessageContaining("max-body-bytes must be 512..16777216");
        assertThatThrownBy(() -> ConfigLoader.parse("gateway:\n  public-host: \"a;b\"\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("public-host must be a host name");
        assertThatThrownBy(() -> ConfigLoader.parse("gateway:\n  session-idle-timeout: 0s\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("session-idle-timeout must be longer than 0");
        assertThatThrownBy(() -> ConfigLoader.parse("gateway:\n  max-sessions-per-ip: 0\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ConfigLoader.parse("gateway:\n  listen: nowhere\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected host:port");
        assertThatThrownBy(() -> ConfigLoader.parse("gateway:\n  lifespan: 60\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.lifespan: unknown key");
    }

    @Test
    void theConformanceConfigurationsLeaveTheGatewayOff() throws Exception {
        // Otherwise every TCP conformance server would also try to bind the default gateway port.
        DispatchConfig c = ConfigLoader.parse(VectorConfig.toYaml(Map.of(), "127.0.0.1:0"), "vectors");
        assertThat(c.gateway().enabled()).isFalse();
    }
}

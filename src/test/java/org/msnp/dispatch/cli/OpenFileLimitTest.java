package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;

/** The start-up warning when the limits let clients hold more sockets than the process may open. */
class OpenFileLimitTest {
    static DispatchConfig config(String extra) throws Exception {
        return ConfigLoader.parse("limits: {max-connections: 10000}\n" + extra, "test.yaml");
    }

    @Test
    void namesBothNumbers() throws Exception {
        assertThat(OpenFileLimit.warning(config(""), 1024)).hasValueSatisfying(w -> assertThat(w)
                .contains("open-file limit of this process is 1024").contains("limits.max-connections 10000"));
        assertThat(OpenFileLimit.warning(config(""), 10_000)).isEmpty();
    }

    @Test
    void countsTheGatewaySessionsWhenTheGatewayIsOn() throws Exception {
        DispatchConfig c = config("gateway: {enabled: true, listen: 127.0.0.1:0, max-sessions: 5000}\n");
        assertThat(OpenFileLimit.warning(c, 12_000)).hasValueSatisfying(w -> assertThat(w)
                .contains("12000").contains("limits.max-connections 10000 + gateway.max-sessions 5000 = 15000"));
        assertThat(OpenFileLimit.warning(c, 15_000)).isEmpty();
    }

    @Test
    void readsTheLimitOfThisProcess() {
        assertThat(OpenFileLimit.ofProcess()).isPresent();
        assertThat(OpenFileLimit.ofProcess().getAsLong()).isPositive();
    }
}

package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.net.Transports;

/** {@code msnp-dispatch check-config FILE}. */
class CheckConfigCommandTest {
    @TempDir
    Path dir;

    @Test
    void aValidFileIsOk() throws Exception {
        Path f = Files.writeString(dir.resolve("dispatch.yaml"), """
                listen: 127.0.0.1:1863
                dialects: MSNP8..MSNP21
                notification-servers:
                  targets: [10.0.0.5:1863, {address: 10.0.0.6:1863, weight: 2}]
                version-policy:
                  unknown-clients: reject-420
                  rules:
                    - library: MSNMSGR
                      recommended: 7.0.0813
                      minimum: 6.2.0205
                      download-url: http://example.invalid/dl
                      info-url: http://messenger.msn.com
                """);
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isZero();
        assertThat(c.err()).isEmpty();
        assertThat(c.out().lines()).hasSize(1);
        assertThat(c.out()).startsWith(f + ": ok")
                .contains("listen 127.0.0.1:1863", "dialects MSNP8..MSNP21", "NS 10.0.0.5:1863,10.0.0.6:1863*2",
                        "1 version rule(s)", "unknown clients: reject-420", "HTTP gateway off",
                        "admin (metrics, health) on 127.0.0.1:9863");
    }

    @Test
    void theSummaryNamesAnEnabledGatewayAndTheAdminListener() throws Exception {
        Path f = Files.writeString(dir.resolve("gw.yaml"), """
                gateway: {enabled: true, listen: 127.0.0.1:8081}
                admin: {listen: 127.0.0.1:9999}
                """);
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isZero();
        assertThat(c.out()).contains("HTTP gateway on 127.0.0.1:8081", "admin (metrics, health) on 127.0.0.1:9999");

        Files.writeString(f, "admin: {enabled: false}\n");
        assertThat(Console.run("check-config", f.toString()).out()).contains("admin listener off");
    }

    @Test
    void theSummaryNamesTheTransportThatWillRun() throws Exception {
        Path f = dir.resolve("transport.yaml");
        for (Transport transport : Transport.values()) {
            String t = Transports.require(transport).label();
            Files.writeString(f, "listen: 127.0.0.1:1863\ntransport: " + t + "\n");
            Console c = Console.run("check-config", f.toString());
            assertThat(c.exitCode()).isZero();
            assertThat(c.out()).contains("listen 127.0.0.1:1863 on " + t + ", ");
        }
        Files.writeString(f, "listen: 127.0.0.1:1863\n");
        assertThat(Console.run("check-config", f.toString()).out()).contains("listen 127.0.0.1:1863 on "
                + Transport.AUTO_ORDER_FIRST.label() + " (auto), ");

        Files.writeString(f, "listen: 127.0.0.1:1863\ntransport: iouring\n");
        Console bad = Console.run("check-config", f.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err().strip()).isEqualTo(f + ":2: transport: 'iouring' is not a transport: write auto, io_uring, epoll or nio");
    }

    @Test
    void anEmptyFileIsOkAndRunsOnTheDefaults() throws Exception {
        Path f = Files.writeString(dir.resolve("empty.yaml"), "");
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isZero();
        assertThat(c.out()).contains(": ok").contains("listen 0.0.0.0:1863", "NS 127.0.0.1:1864", "unknown clients: echo");
    }

    @Test
    void aBadFileIsExitOneAndTheOneLineError() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), "listen: 127.0.0.1:1863\nprotocol:\n  ver-reply: both\n");
        ConfigException expected = null;
        try {
            ConfigLoader.load(f);
        } catch (ConfigException e) {
            expected = e;
        }
        assertThat(expected).isNotNull();
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).isEqualTo(f + ":3: protocol.ver-reply: 'both' is not one of echo-cvr0, single, echo-all, cvr0-first"
                + System.lineSeparator());
        assertThat(c.err().strip()).isEqualTo(expected.getMessage());
    }

    @Test
    void aMissingFileIsExitOne() {
        Path f = dir.resolve("missing.yaml");
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.err().strip()).isEqualTo(f + ": no such file");
    }

    @Test
    void aRuleErrorNamesTheRule() throws Exception {
        Path f = Files.writeString(dir.resolve("rule.yaml"), """
                version-policy:
                  rules:
                    - library: MSNMSGR
                      recommended: 6.0.0602
                      minimum: 7.0.0813
                      download-url: http://example.invalid/dl
                      info-url: http://messenger.msn.com
                """);
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.err().lines()).hasSize(1);
        assertThat(c.err()).startsWith(f + ":").contains(": version-policy.rules[0].minimum: minimum 7.0.0813 is above recommended 6.0.0602");
    }
}

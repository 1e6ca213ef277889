package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.config.ConfigLoader;
import org.slf4j.LoggerFactory;

/** Hot reload: valid changes apply to the next connection, invalid files change nothing. */
class ReloadTest {
    @TempDir
    Path dir;

    static String config(String recommended) {
        return """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                version-policy:
                  unknown-clients: reject-420
                  rules:
                    - library: MSNMSGR
                      recommended: %s
                      minimum: 6.0.0268
                      download-url: http://example.invalid/dl
                      info-url: http://example.invalid/info
                """.formatted(recommended);
    }

    static String cvrAnswer(Application app) throws Exception {
        return Wire.msnp8Login(app.tcpAddress(), null).get(1);
    }

    @Test
    void aValidChangeTakesEffectForTheNextConnection() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, config("6.0.0602"));
        Application app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
        try {
            assertThat(cvrAnswer(app)).startsWith("CVR 2 6.0.0602 6.0.0602 6.0.0268 ");
            Files.writeString(file, config("7.0.0813"));
            String answer = "";
            for (int i = 0; i < 60 && !answer.startsWith("CVR 2 7.0.0813"); i++) {
                Thread.sleep(100);
                answer = cvrAnswer(app);
            }
            assertThat(answer).startsWith("CVR 2 7.0.0813 7.0.0813 6.0.0268 ");
            assertThat(app.metrics().scrape()).contains("msnp_config_reloads_total{result=\"ok\"} 1.0");
        } finally {
            app.stopNow();
        }
    }

    @Test
    void anInvalidFileKeepsTheRunningPolicyAndSaysWhyInOneLine() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, config("6.0.0602"));
        Logger server = (Logger) LoggerFactory.getLogger("msnp.server");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        server.addAppender(log);
        Application app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
        try {
            Files.writeString(file, config("6.0.0602").replace("minimum: 6.0.0268", "minimum: 9.0.0000"));
            Application.Reload r = app.reload();
            assertThat(r.ok()).isFalse();
            assertThat(r.message()).startsWith(file + ":").contains("version-policy.rules[0]")
                    .contains("minimum 9.0.0000 is above recommended 6.0.0602").doesNotContain("\n");
            assertThat(cvrAnswer(app)).startsWith("CVR 2 6.0.0602 6.0.0602 6.0.0268 ");
            List<String> errors;
            synchronized (log) {   // other threads may log meanwhile; the appender appends under its own lock
                errors = log.list.stream().filter(e -> e.getLevel().toString().equals("ERROR"))
                        .map(ILoggingEvent::getFormattedMessage).toList();
            }
            assertThat(errors).anySatisfy(m -> assertThat(m).contains("not reloaded").contains(r.message()));
            assertThat(app.metrics().scrape()).contains("msnp_config_reloads_total{result=\"failed\"}");
        } finally {
            server.detachAppender(log);
            app.stopNow();
        }
    }

    @Test
    void reloadsDuringAStreamOfHandshakesDropNone() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, config("6.0.0602"));
        Application app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<List<String>> results = new ConcurrentLinkedQueue<>();
        Thread clients = new Thread(() -> {
            while (running.get()) {
                try {
                    results.add(Wire.msnp8Login(app.tcpAddress(), null));
                } catch (Exception e) {
                    results.add(List.of("exception: " + e));
                }
            }
        });
        try {
            clients.start();
            for (int i = 0; i < 20; i++) {
                Files.writeString(file, config(i % 2 == 0 ? "7.0.0813" : "6.0.0602"));
                assertThat(app.reload().ok()).isTrue();
                Thread.sleep(20);
            }
            running.set(false);
            clients.join();
            assertThat(results).hasSizeGreaterThan(20);
            assertThat(results).allSatisfy(lines -> {
                assertThat(lines).hasSize(3);
                assertThat(lines.get(0)).isEqualTo("VER 1 MSNP8 CVR0");
                assertThat(lines.get(1)).matches("CVR 2 (6\\.0\\.0602 6\\.0\\.0602|7\\.0\\.0813 7\\.0\\.0813) 6\\.0\\.0268 .*");
                assertThat(lines.get(2)).isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
            });
        } finally {
            running.set(false);
            app.stopNow();
        }
    }

    @Test
    void anEmptiedFileIsNotTakenForTheDefaults() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, config("6.0.0602"));
        Application app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
        try {
            Files.writeString(file, "");
            Application.Reload r = app.reload();
            assertThat(r.ok()).isFalse();
            assertThat(r.message()).contains("empty");
            assertThat(Wire.msnp8Login(app.tcpAddress(), null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        } finally {
            app.stopNow();
        }
    }

    @Test
    void aReloadReachesTheGatewayToo() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        String gateway = "gateway: {enabled: true, listen: 127.0.0.1:0, public-host: %s}\n";
        Files.writeString(file, config("6.0.0602") + gateway.formatted("gw1.example.net"));
        Application app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
        try {
            assertThat(gwIp(app)).isEqualTo("gw1.example.net");
            Files.writeString(file, config("6.0.0602") + gateway.formatted("gw2.example.net"));
            assertThat(app.reload().ok()).isTrue();
            assertThat(gwIp(app)).isEqualTo("gw2.example.net");
        } finally {
            app.stopNow();
        }
    }

    static String gwIp(Application app) throws Exception {
        int port = app.gatewayAddress().orElseThrow().getPort();
        java.net.http.HttpResponse<String> res = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                                + "/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com"))
                        .header("Content-Type", "application/x-msn-messenger")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("VER 1 MSNP8 CVR0\r\n")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        String header = res.headers().firstValue("X-MSN-Messenger").orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("GW-IP=([^;]+)").matcher(header);
        assertThat(m.find()).as(header).isTrue();
        return m.group(1).trim();
    }
}

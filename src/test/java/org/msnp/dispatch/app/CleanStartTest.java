package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start prints only the server's own lines: no SLF4J replay warnings from logging being
 * initialised on two threads, no Netty warning about a missing hardware address, and the summary
 * names every listener.
 */
class CleanStartTest {
    @TempDir
    Path dir;

    @Test
    void startsPrintOnlyTheServersOwnLines() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                gateway: {enabled: true, listen: 127.0.0.1:0}
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int run = 0; run < 3; run++) {
            Process p = new ProcessBuilder(java, "-Dmsnp.census.data-dir=" + ServeProcess.censusDir(), "-cp", System.getProperty("java.class.path"),
                    "org.msnp.dispatch.cli.Main", "serve", "--config", file.toString())
                    .redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            reader.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!out.toString(StandardCharsets.UTF_8).contains("HTTP gateway on") && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                reader.join(5000);
            } finally {
                p.destroyForcibly();
            }
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).as("run %d", run).anyMatch(l -> l.contains("listening on 127.0.0.1:"));
            assertThat(lines).anyMatch(l -> l.contains("HTTP gateway on 127.0.0.1:0") && l.contains("admin (metrics, health) on 127.0.0.1:0"));
            assertThat(lines).as("only the server's own lines").allMatch(l -> l.matches("\\S+ (INFO|WARN)  server .*"));
        }
    }
}

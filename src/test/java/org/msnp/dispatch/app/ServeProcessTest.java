package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as an operator runs it, in its own process: it says where it listens, reloads on
 * SIGHUP, and on SIGTERM stops gracefully and exits 0.
 */
class ServeProcessTest {
    @TempDir
    Path dir;

    static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: {enabled: false}
            public-address: 10.0.0.1:1863
            notification-servers: {targets: [%s], health-check: {enabled: false}}
            """;

    @Test
    void servesReloadsOnHupAndExitsZeroOnTerm() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, CONFIG.formatted("10.0.0.5:1863"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dmsnp.census.data-dir=" + ServeProcess.censusDir(), "-cp", System.getProperty("java.class.path"),
                "org.msnp.dispatch.cli.Main", "serve", "--config", file.toString())
                .redirectErrorStream(true).start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.add(line);
                }
            } catch (java.io.IOException e) {
                out.add("reader: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String listening = await(out, "listening on");
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(listening);
            assertThat(m.find()).as(listening).isTrue();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
            assertThat(Wire.msnp8Login(address, null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");

            Files.writeString(file, CONFIG.formatted("10.0.0.6:1863"));
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
            await(out, "configuration reloaded");
            assertThat(Wire.msnp8Login(address, null)).last().isEqualTo("XFR 3 NS 10.0.0.6:1863 0 10.0.0.1:1863");

            String logged = await(out, "outcome=xfr ns=10.0.0.6:1863");
            assertThat(logged).contains("transport=tcp dialect=MSNP8 client=MSNMSGR/6.0.0602").contains("locale=0x0409");

            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            await(out, "stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    static String await(BlockingQueue<String> out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = out.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            seen.append(line).append('\n');
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no line containing '" + text + "' in:\n" + seen);
    }
}

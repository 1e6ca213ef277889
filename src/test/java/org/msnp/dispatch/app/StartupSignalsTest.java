package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals that reach {@code serve} while it is starting. To hold the server in start-up for as
 * long as the test needs, without a timer, its configuration file is a named pipe: the server
 * blocks reading it until the test writes it. The server opens the file only after it has
 * installed its signal handlers, so the signal is sent once the pipe is open.
 */
class StartupSignalsTest {
    @TempDir
    Path dir;

    @Test
    void aSighupDuringStartUpIsAppliedOnceTheListenersAreUp() throws Exception {
        Path file = fifo();
        Path next = dir.resolve("next.yaml");
        Files.writeString(next, ServeProcessTest.CONFIG.formatted("10.0.0.6:1863"));
        try (ServeProcess serve = ServeProcess.start(file)) {
            try (OutputStream config = openForWriting(file, serve)) {
                serve.signal("HUP");
                serve.await("SIGHUP during start-up: the reload is deferred");
                assertThat(serve.lines()).noneMatch(l -> l.contains("listening on"));
                // the server reads the pipe to its end; every later read of the path finds next.yaml
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
                config.write(ServeProcessTest.CONFIG.formatted("10.0.0.5:1863").getBytes(StandardCharsets.UTF_8));
            }
            var address = serve.listening();
            serve.await("applying the SIGHUP received during start-up");
            serve.await("configuration reloaded");
            assertThat(Wire.msnp8Login(address, null)).last().isEqualTo("XFR 3 NS 10.0.0.6:1863 0 10.0.0.1:1863");

            serve.signal("TERM");
            assertThat(serve.exitCode()).isZero();
            serve.await("stopped");
        }
    }

    @Test
    void aSigtermDuringStartUpStopsCleanly() throws Exception {
        Path file = fifo();
        try (ServeProcess serve = ServeProcess.start(file)) {
            try (OutputStream config = openForWriting(file, serve)) {
                serve.signal("TERM");
                serve.await("SIGTERM during start-up: stopping instead of serving");
                config.write(ServeProcessTest.CONFIG.formatted("10.0.0.5:1863").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(serve.exitCode()).isZero();
            serve.await("stopped");
            assertThat(serve.lines()).noneMatch(l -> l.contains("listening on"));
        }
    }

    private Path fifo() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        return file;
    }

    /** Opens the pipe for writing: returns once the server has opened it for reading. */
    private static OutputStream openForWriting(Path fifo, ServeProcess serve) throws Exception {
        CompletableFuture<OutputStream> open = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(fifo.toFile());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return open.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            serve.close();
            new FileInputStream(fifo.toFile()).close();     // lets the blocked open return
            throw new AssertionError("the server never opened its configuration:\n" + String.join("\n", serve.lines()));
        }
    }
}

package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.config.ConfigLoader;
import org.slf4j.LoggerFactory;

/**
 * A configuration file that cannot be read (gone, a directory in its place, or no file
 * descriptor left to open it with) is not a changed file: the watcher says why in one line and
 * neither reloads nor counts a failed reload; an explicit reload names the system's reason.
 * (A file made unreadable with chmod would do too, but not when the tests run as root.)
 */
class ConfigWatchTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger server = (Logger) LoggerFactory.getLogger("msnp.server");
    private Path file;
    private Application app;

    @BeforeEach
    void start() throws Exception {
        log.start();
        server.addAppender(log);
        file = dir.resolve("dispatch.yaml");
        Files.writeString(file, ReloadTest.config("6.0.0602"));
        app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
    }

    @AfterEach
    void stop() throws Exception {
        app.stopNow();
        server.detachAppender(log);
    }

    private List<String> lines(String text) {
        return Appended.seen(log).stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
    }

    private String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (lines(text).isEmpty()) {
            assertThat(System.nanoTime()).as("a log line containing '%s'", text).isLessThan(deadline);
            Thread.sleep(20);
        }
        return lines(text).get(0);
    }

    private String reloads(String result) {
        return "msnp_config_reloads_total{result=\"" + result + "\"} 0.0";
    }

    @Test
    void aDeletedFileIsSaidOnceAndNeitherReloadedNorCountedAsAFailedReload() throws Exception {
        byte[] running = Files.readAllBytes(file);
        Files.delete(file);
        assertThat(awaitLine("configuration watch: cannot read")).contains(file.toString()).contains("(no such file)")
                .contains("not reloading");
        Thread.sleep(2500);     // two more polls: what used to turn into a failed reload of an "empty" file
        assertThat(lines("configuration watch: cannot read")).hasSize(1);
        assertThat(lines("not reloaded")).isEmpty();
        assertThat(app.metrics().scrape()).contains(reloads("failed")).contains(reloads("ok"));
        assertThat(Wire.msnp8Login(app.tcpAddress(), null).get(1)).startsWith("CVR 2 6.0.0602 6.0.0602 6.0.0268 ");

        Files.write(file, running);
        awaitLine("can be read again");
        assertThat(app.metrics().scrape()).contains(reloads("failed")).contains(reloads("ok"));
    }

    @Test
    void aDirectoryInPlaceOfTheFileGivesTheSystemsReason() throws Exception {
        Files.delete(file);
        Files.createDirectory(file);
        assertThat(awaitLine("configuration watch: cannot read")).contains("(Is a directory)");
        assertThat(app.metrics().scrape()).contains(reloads("failed"));
    }

    @Test
    void aReloadOfAFileThatCannotBeReadNamesTheReason() throws Exception {
        Files.delete(file);
        Application.Reload gone = app.reload();
        assertThat(gone.ok()).isFalse();
        assertThat(gone.message()).isEqualTo(file + ": cannot read: no such file; keeping the running configuration");

        Files.createDirectory(file);
        Application.Reload directory = app.reload();
        assertThat(directory.ok()).isFalse();
        assertThat(directory.message()).isEqualTo(file + ": cannot read: Is a directory; keeping the running configuration");
        assertThat(lines("configuration not reloaded")).hasSize(2).allMatch(l -> l.contains("cannot read"));
        assertThat(Wire.msnp8Login(app.tcpAddress(), null).get(1)).startsWith("CVR 2 6.0.0602 6.0.0602 6.0.0268 ");
    }

}

package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchContext;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.NotificationServers;
import org.msnp.dispatch.session.SessionRules;
import org.slf4j.LoggerFactory;

/** The connection log written in batches by a thread of its own: every line, whole, in the server's layout. */
class ConnectionLogBatchTest {
    private static final String LAYOUT = "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  connection ";

    private static ConnectionRecord record(int port) {
        DispatchContext context = new DispatchContext(SessionRules.defaults(),
                new org.msnp.dispatch.policy.VersionPolicy(List.of(), new org.msnp.dispatch.policy.UnknownClients(
                        org.msnp.dispatch.policy.UnknownClients.Mode.REJECT_420, "http://x/dl", "http://x/info"),
                        org.msnp.dispatch.policy.VersionPolicy.DEFAULT_CEILING),
                NotificationServers.fixed(HostPort.parse("10.0.0.5:1863")), org.msnp.dispatch.session.ForeignHandles.NONE);
        DispatchSession s = new DispatchSession(context, HostPort.parse("10.0.0.1:1863"));
        s.handle(Command.parse("VER 1 MSNP8 CVR0"));
        return new ConnectionRecord(new InetSocketAddress("192.0.2.7", port), TransportKind.TCP, s.summary(), -1,
                Duration.ofMillis(3), EndReason.CLIENT_CLOSED);
    }

    @Test
    void everyLineIsWrittenWholeInTheServersLayoutWithoutBeingAskedTo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<ConnectionRecord> records = new ArrayList<>();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.ISO_8859_1)) {
            ConnectionLog log = new ConnectionLog(out);
            // more than one write's worth of lines, from two threads at once (two event loops)
            Thread other = new Thread(() -> {
                for (int i = 0; i < 300; i++) {
                    log.finished(record(20_000 + i));
                }
            });
            other.start();
            for (int i = 0; i < 300; i++) {
                ConnectionRecord r = record(30_000 + i);
                records.add(r);
                log.finished(r);
            }
            other.join();
            // the writer takes them within its interval: nobody calls flush
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (bytes.toString(StandardCharsets.ISO_8859_1).lines().count() < 600 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<String> lines = bytes.toString(StandardCharsets.ISO_8859_1).lines().toList();
            assertThat(lines).hasSize(600);
            assertThat(lines).allMatch(l -> l.matches(LAYOUT + "peer=192\\.0\\.2\\.7:\\d+ transport=tcp dialect=MSNP8 .*duration=3ms$"));
            for (ConnectionRecord r : records) {
                assertThat(lines).anyMatch(l -> l.endsWith("connection " + ConnectionLog.line(r)));
            }
            log.close();
        }
    }

    @Test
    void aBlockedOutputNeverHoldsTheCallerAndTheLinesNotWrittenAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.write(b, off, len);
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger("msnp.connection");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try (PrintStream out = new PrintStream(blocking, false, StandardCharsets.ISO_8859_1)) {
            ConnectionLog log = new ConnectionLog(out);
            ConnectionRecord r = record(40_000);
            int total = ConnectionLog.CAPACITY + 5_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < total; i++) {
                log.finished(r);
            }
            // the caller (an event loop) went on although nothing could be written
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            log.summarize();
            release.countDown();
            log.close();
            long lines = written.toString(StandardCharsets.ISO_8859_1).lines().count();
            long dropped;
            synchronized (warnings) {
                dropped = warnings.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.startsWith("connection log behind: "))
                        .mapToLong(m -> Long.parseLong(m.substring("connection log behind: ".length()).split(" ")[0])).sum();
            }
            assertThat(dropped).isPositive();
            assertThat(lines + dropped).isEqualTo(total);
        } finally {
            logger.detachAppender(warnings);
        }
    }
}

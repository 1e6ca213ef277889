package org.msnp.dispatch.routing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.protocol.HostPort;
import org.slf4j.LoggerFactory;

/**
 * A check whose own socket cannot be opened or registered says nothing about the target; a
 * refused connect does.
 */
class HealthCheckerTest {
    private final EventLoopGroup nio = Transport.NIO.group(1);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger server = (Logger) LoggerFactory.getLogger("msnp.server");
    private final List<String> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void listen() {
        log.start();
        server.addAppender(log);
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.detachAppender(log);
        nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private HealthChecker checker(NsPool pool, Class<? extends io.netty.channel.Channel> channel) {
        return new HealthChecker(pool, nio, channel, Duration.ofMillis(50), Duration.ofSeconds(2), 1, 1,
                (t, healthy) -> changes.add(t.address() + (healthy ? " up" : " down")));
    }

    private List<String> notRunLines() {
        // the checker's event loop appends while the test reads: the appender appends under its own lock
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("health checks not run")).toList();
        }
    }

    @Test
    void aLocalSocketThatCannotBeRegisteredLeavesEveryTargetHealthyAndIsLoggedOnce() throws Exception {
        // a real failure of our own side: an epoll socket cannot be registered with an NIO event loop
        assertThat(Epoll.isAvailable()).as("the epoll transport, for a channel the NIO loop refuses: %s", Epoll.unavailabilityCause()).isTrue();
        NsPool pool = new NsPool(List.of(HostPort.parse("10.0.0.5:1863"), HostPort.parse("10.0.0.6:1863"),
                HostPort.parse("10.0.0.7:1863")), List.of(1, 1, 1), NsPool.Selection.ROUND_ROBIN);
        HealthChecker checker = checker(pool, EpollSocketChannel.class);
        checker.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (notRunLines().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500);      // ten more rounds of three checks, with fall = 1
        } finally {
            checker.close();
        }
        assertThat(pool.targets()).allMatch(NsTarget::isHealthy);
        assertThat(changes).isEmpty();
        assertThat(notRunLines()).hasSize(1).first().asString()
                .contains("cannot open a local socket").contains("incompatible event loop").contains("unchanged");
    }

    @Test
    void aRefusedConnectIsAFailureOfTheTarget() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        NsPool pool = new NsPool(List.of(new HostPort("127.0.0.1", closed)), List.of(1), NsPool.Selection.ROUND_ROBIN);
        HealthChecker checker = checker(pool, NioSocketChannel.class);
        checker.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (changes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            checker.close();
        }
        assertThat(changes).containsExactly("127.0.0.1:" + closed + " down");
        assertThat(pool.targets().get(0).isHealthy()).isFalse();
        assertThat(notRunLines()).isEmpty();
    }
}

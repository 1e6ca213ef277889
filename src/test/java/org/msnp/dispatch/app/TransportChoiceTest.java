package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.net.EventLoops;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.net.Transports;
import org.msnp.dispatch.net.Transports.OnEveryTransport;
import org.msnp.dispatch.observe.TransportKind;
import org.slf4j.LoggerFactory;

/**
 * The key {@code transport}: the server runs what it names (seen from the kernel's side: the
 * io_uring instances the process holds, the listening sockets on the port), falls back with one
 * warning when this machine cannot run it, and keeps it until a restart.
 */
class TransportChoiceTest extends RunningServer {
    @TempDir
    Path dir;

    static final int WORKERS = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** The io_uring instances this process holds open (each is a file descriptor). */
    static long ioUringInstances() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("anon_inode:[io_uring]");
                } catch (IOException e) {
                    return false;   // closed since it was listed
                }
            }).count();
        }
    }

    /** The listening TCP sockets on {@code port}, from the kernel's tables. */
    static long listeningSockets(int port) throws IOException {
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> rows = Files.readAllLines(p);
            for (String row : rows.subList(1, rows.size())) {
                // sl local_address rem_address st ...; the local address is HEXIP:HEXPORT, 0A is LISTEN
                String[] c = row.trim().split("\\s+");
                String local = c[1];
                if (Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16) == port && c[3].equals("0A")) {
                    n++;
                }
            }
        }
        return n;
    }

    /** One listener per worker loop on io_uring and epoll (SO_REUSEPORT), one acceptor on NIO. */
    static long expectedListeners(Transport t, int workers) {
        assertThat(System.getProperty(Transport.ACCEPT_PROPERTY)).as("-D%s must not be set for this test",
                Transport.ACCEPT_PROPERTY).isNull();
        return t == Transport.NIO ? 1 : workers;
    }

    @OnEveryTransport
    void everyListenerRunsOnTheConfiguredTransport(Transport transport) throws Exception {
        long ringsBefore = ioUringInstances();
        start(transport, "gateway: {enabled: true, listen: 127.0.0.1:0}\ncensus: {enabled: false}\n");
        assertThat(app.transport()).isEqualTo(transport);
        assertThat(app.tcp().transport()).isEqualTo(transport);
        long rings = ioUringInstances() - ringsBefore;
        if (transport == Transport.IO_URING) {
            assertThat(rings).as("an io_uring instance for each worker loop").isGreaterThanOrEqualTo(WORKERS);
        } else {
            assertThat(rings).as("no io_uring instance on %s", transport.label()).isLessThanOrEqualTo(0);
        }
        assertThat(listeningSockets(app.tcpAddress().getPort())).as("TCP listeners").isEqualTo(expectedListeners(transport, WORKERS));
        assertThat(listeningSockets(app.gatewayAddress().orElseThrow().getPort())).as("gateway listeners")
                .isEqualTo(expectedListeners(transport, WORKERS));
        for (int i = 0; i < 2 * WORKERS; i++) {
            assertThat(Wire.msnp8Login(app.tcpAddress(), null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        }
    }

    @OnEveryTransport
    void theNativeTransportsBindOneListenerPerWorkerAndNioOne(Transport transport) throws Exception {
        Transports.require(transport);
        int workers = 3;
        try (EventLoops loops = new EventLoops(workers, transport)) {
            ServerBootstrap b = loops.listener(TransportKind.TCP, r -> r.summary().outcomeLabel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.close();
                                }
                            });
                        }
                    });
            Transport.Listening listening = loops.bind(b, "127.0.0.1", 0);
            try {
                int port = listening.localAddress().getPort();
                assertThat(listening.count()).isEqualTo(expectedListeners(transport, workers));
                assertThat(listeningSockets(port)).isEqualTo(listening.count());
                // every listener accepts: whichever the kernel picks, the connection is served
                List<Socket> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 4 * workers; i++) {
                        Socket s = new Socket();
                        clients.add(s);
                        s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
                        s.setSoTimeout(3000);
                        assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                    }
                } finally {
                    for (Socket s : clients) {
                        s.close();
                    }
                }
            } finally {
                listening.close();
            }
        }
    }

    @Test
    void aReloadThatChangesTheTransportKeepsTheRunningOneUntilRestart() throws Exception {
        Transport first = Transports.require(Transport.IO_URING);
        Path file = dir.resolve("dispatch.yaml");
        String yaml = "listen: 127.0.0.1:0\nadmin: {enabled: false}\ncensus: {enabled: false}\n" + base();
        Files.writeString(file, yaml + Transports.yaml(first));
        Logger server = (Logger) LoggerFactory.getLogger("msnp.server");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        server.addAppender(log);
        try {
            app = Application.start(ConfigLoader.load(file), Optional.of(file), recorder);
            int port = app.tcpAddress().getPort();
            Files.writeString(file, yaml + Transports.yaml(Transport.NIO));
            assertThat(app.reload().ok()).isTrue();
            assertThat(app.transport()).isEqualTo(first);
            assertThat(app.config().transport().label()).as("the configuration as read").isEqualTo("nio");
            assertThat(listeningSockets(port)).isEqualTo(expectedListeners(first, WORKERS));
            assertThat(Wire.msnp8Login(app.tcpAddress(), null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
            assertThat(Appended.seen(log)).map(ILoggingEvent::getFormattedMessage)
                    .contains("configuration reloaded, but transport only change at restart (still listen 127.0.0.1:0, transport io_uring)");
        } finally {
            server.detachAppender(log);
        }
    }

    /**
     * A transport this machine cannot run: the Netty option that turns off its native transports
     * makes io_uring (and epoll) unavailable to a server process of its own.
     */
    @Test
    void aTransportThisMachineCannotRunFallsBackWithOneWarning() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, "listen: 127.0.0.1:0\nadmin: {enabled: false}\ncensus: {enabled: false}\n" + base()
                + "transport: io_uring\n");
        try (ServeProcess serve = ServeProcess.start(file, Optional.empty(), List.of("-Dio.netty.transport.noNative=true"))) {
            InetSocketAddress address = serve.listening();
            assertThat(serve.await("listening on")).contains("(nio, " + file + ")");
            List<String> warnings = serve.lines().stream().filter(l -> l.contains("transport io_uring asked")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("WARN")
                    .contains("transport io_uring asked (configuration key transport), but io_uring is not available here (")
                    .contains("-Dio.netty.transport.noNative=true")
                    .endsWith("), using nio");
            assertThat(serve.await("listen 127.0.0.1:0 on ")).contains("listen 127.0.0.1:0 on nio (io_uring is not available here (");
            assertThat(Wire.msnp8Login(address, null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
            serve.signal("TERM");
            assertThat(serve.exitCode()).isZero();
        }
    }

    @Test
    void theSummarySaysWhatRunsAndWhy() {
        assertThat(new Transport.Choice(Transport.EPOLL, "auto", null, false).describe()).isEqualTo("epoll (auto)");
        assertThat(new Transport.Choice(Transport.IO_URING, "io_uring", null, false).describe()).isEqualTo("io_uring");
        assertThat(new Transport.Choice(Transport.NIO, "io_uring", "io_uring is not available here (no kernel support), using nio",
                false).describe()).isEqualTo("nio (io_uring is not available here (no kernel support), using nio)");
        assertThat(new Transport.Choice(Transport.NIO, "nio", null, true).describe()).isEqualTo("nio (set by -Dmsnp.transport=nio)");
        assertThat(new Transport.Choice(Transport.EPOLL, "auto", null, true).describe())
                .isEqualTo("epoll (auto, set by -Dmsnp.transport=auto)");
    }

}

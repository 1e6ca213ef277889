package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.net.Transport;

/**
 * The admin listener under a flood of connections that never finish their request, over real
 * sockets: each is closed once the request deadline passes, no more than the cap are held at once,
 * the rest wait unserved, and the listener answers again once the flood is over.
 */
class AdminLimitsTest {
    static final int FLOOD = 500;
    static final int CAP = 64;
    static final Duration DEADLINE = Duration.ofSeconds(2);

    /** Counts the answers that arrive; one instance serves every connection. */
    @ChannelHandler.Sharable
    static final class Counting extends ChannelInboundHandlerAdapter {
        private final AtomicInteger answered;

        Counting(AtomicInteger answered) {
            this.answered = answered;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200")) {
                answered.incrementAndGet();
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Test
    void halfSentRequestsAreClosedAtTheDeadlineAndTheCapHolds() throws Exception {
        AdminServer server = new AdminServer(new DispatchMetrics(),
                () -> new AdminServer.Health(true, Map.of("status", "up")),
                new AdminSettings("127.0.0.1", 0, true, CAP, DEADLINE, Optional.empty()));
        InetSocketAddress address = server.start();
        EventLoopGroup group = Transport.best().group(1);
        try {
            Map<Channel, Long> connectedAt = new ConcurrentHashMap<>();
            Map<Channel, Long> lifetimes = new ConcurrentHashMap<>();
            AtomicInteger connectFailures = new AtomicInteger();
            AtomicInteger answered = new AtomicInteger();
            Bootstrap b = new Bootstrap().group(group).channel(Transport.best().clientChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 60_000)
                    .handler(new Counting(answered));
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                ChannelFuture f = b.connect(address);
                f.addListener((ChannelFuture done) -> {
                    if (!done.isSuccess()) {
                        connectFailures.incrementAndGet();
                        return;
                    }
                    Channel ch = done.channel();
                    connectedAt.put(ch, System.nanoTime());
                    // a request line that never ends
                    ch.writeAndFlush(Unpooled.copiedBuffer("GET /health HT", StandardCharsets.ISO_8859_1));
                    ch.closeFuture().addListener(x -> lifetimes.put(ch, System.nanoTime() - connectedAt.get(ch)));
                });
                connects.add(f);
            }

            // the listener fills up to the cap, and holds no more than that while the flood lasts
            int most = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (most < CAP && System.nanoTime() < until) {
                most = Math.max(most, server.openConnections());
                Thread.sleep(5);
            }
            assertThat(most).as("connections held by the listener").isEqualTo(CAP);

            // a complete request now waits behind the flood: not served
            try (Socket probe = new Socket()) {
                probe.connect(address, 1000);
                probe.setSoTimeout(1000);
                probe.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = probe.getInputStream();
                int first = -2;
                try {
                    first = in.read();
                } catch (SocketTimeoutException expected) {
                    // not served within the second
                }
                assertThat(first).as("a request beyond the cap is not served while the cap is held").isEqualTo(-2);
            } catch (SocketTimeoutException connectTimedOut) {
                // not even accepted by the kernel: not served either
            }

            // every half-sent request is closed once its deadline passes, wave after wave
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lifetimes.size() + connectFailures.get() < FLOOD && System.nanoTime() < until) {
                most = Math.max(most, server.openConnections());
                Thread.sleep(10);
            }
            assertThat(most).as("never more than the cap at once").isLessThanOrEqualTo(CAP);
            assertThat(lifetimes.size() + connectFailures.get()).as("connections closed by the server or never made")
                    .isEqualTo(FLOOD);
            assertThat(lifetimes.size()).as("most connections were made").isGreaterThan(FLOOD / 2);
            assertThat(lifetimes.values()).as("none closed before its deadline")
                    .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(DEADLINE.toNanos() - TimeUnit.MILLISECONDS.toNanos(200)));
            assertThat(answered.get()).as("no half-sent request got an answer").isZero();

            // the flood is over: the listener serves a loopback /health again
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.openConnections() > 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(reply).startsWith("HTTP/1.1 200").contains("\"status\":\"up\"");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            server.close();
        }
    }
}

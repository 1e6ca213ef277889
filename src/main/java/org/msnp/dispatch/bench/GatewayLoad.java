package org.msnp.dispatch.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.msnp.dispatch.net.Transport;

/**
 * Load driver for the HTTP gateway (http-gateway.md): {@code concurrency} clients, each on its own
 * keep-alive connection, run complete gateway handshakes back to back for {@code duration}: open
 * with {@code VER}, send {@code CVR} + {@code USR}, poll until {@code Session=close} (the XFR
 * normally arrives with it, so polls are rare). A handshake counts when it ends in an XFR; anything
 * else (a non-200 status, a missing XFR, a broken connection, no answer within 10 s) counts as an
 * error. The clients are Netty HTTP clients on one event loop, so that the driver spends little of
 * the machine it shares with the server under test.
 */
final class GatewayLoad {
    private static final String PATH = "/gateway/gateway.dll";
    private static final String OPEN = PATH + "?Action=open&Server=NS&IP=messenger.hotmail.com";
    private static final byte[] VER = "VER 1 MSNP8 CVR0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CVR_USR = ("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS load@example.com\r\n"
            + "USR 3 TWN I load@example.com\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final int RESPONSE_TIMEOUT_SECONDS = 10;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private GatewayLoad() {
    }

    /**
     * @param latencyMicros one handshake, first request sent to {@code Session=close} read
     */
    record Result(int concurrency, Duration elapsed, long handshakes, long errors, Histogram latencyMicros) {
        double handshakesPerSecond() {
            return handshakes / (elapsed.toNanos() / 1e9);
        }

        double percentileMillis(double p) {
            return latencyMicros.getValueAtPercentile(p) / 1000.0;
        }

        /** One line: {@code gateway handshakes: 1234/s (c=16, 10.0 s, 0 errors) p50=… p90=… p99=… max=… ms}. */
        String summary() {
            return String.format(Locale.ROOT, "gateway handshakes: %.0f/s (c=%d, %.1f s, %d handshakes, %d errors)"
                            + " latency ms p50=%.2f p90=%.2f p99=%.2f max=%.2f",
                    handshakesPerSecond(), concurrency, elapsed.toNanos() / 1e9, handshakes, errors,
                    percentileMillis(50), percentileMillis(90), percentileMillis(99), latencyMicros.getMaxValue() / 1000.0);
        }
    }

    /** Runs the load against the gateway at {@code host:port} and waits for it to finish. */
    static Result run(String host, int port, int concurrency, Duration duration) throws InterruptedException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        InetSocketAddress target = new InetSocketAddress(host, port);
        Transport transport = Transport.client();
        EventLoopGroup group = transport.group(1);
        try {
            Bootstrap template = new Bootstrap().group(group).channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
            long start = System.nanoTime();
            long deadline = start + duration.toNanos();
            CountDownLatch done = new CountDownLatch(concurrency);
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                Client c = new Client(template, target, deadline, done);
                clients.add(c);
                group.execute(c::next);
            }
            if (!done.await(duration.toSeconds() + 2L * RESPONSE_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gateway clients did not finish");
            }
            long elapsed = System.nanoTime() - start;
            Histogram all = new Histogram(HIGHEST_MICROS, 3);
            long handshakes = 0;
            long errors = 0;
            for (Client c : clients) {
                all.add(c.latency);
                handshakes += c.handshakes;
                errors += c.errors;
            }
            return new Result(concurrency, Duration.ofNanos(elapsed), handshakes, errors, all);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private enum Phase { OPEN, SEND, POLL }

    /**
     * One gateway client: one keep-alive connection, reopened when the server closes it. Lives on
     * the driver's single event loop, so its fields need no synchronisation; the latch publishes
     * them to the caller.
     */
    private static final class Client {
        private final Bootstrap template;
        private final InetSocketAddress target;
        private final String hostHeader;
        private final long deadline;
        private final CountDownLatch done;
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        long handshakes;
        long errors;
        private Channel channel;
        private boolean waiting;
        private boolean finished;
        private Phase phase;
        private long t0;
        private boolean xfr;

        Client(Bootstrap template, InetSocketAddress target, long deadline, CountDownLatch done) {
            this.template = template;
            this.target = target;
            this.hostHeader = target.getHostString() + ':' + target.getPort();
            this.deadline = deadline;
            this.done = done;
        }

        /** Starts the next handshake, or ends this client at the deadline. */
        void next() {
            if (finished) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                finished = true;
                if (channel != null) {
                    channel.close();
                    channel = null;
                }
                done.countDown();
                return;
            }
            t0 = System.nanoTime();
            xfr = false;
            phase = Phase.OPEN;
            post(OPEN, VER);
        }

        private void post(String uri, byte[] body) {
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                    Unpooled.wrappedBuffer(body));
            req.headers().set(HttpHeaderNames.HOST, hostHeader)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/x-msn-messenger")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            waiting = true;
            if (channel != null && channel.isActive()) {
                channel.writeAndFlush(req);
                return;
            }
            Bootstrap b = template.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                            new ReadTimeoutHandler(RESPONSE_TIMEOUT_SECONDS), new Handler(Client.this));
                }
            });
            b.connect(target).addListener(f -> {
                if (f.isSuccess()) {
                    channel = ((io.netty.channel.ChannelFuture) f).channel();
                    channel.writeAndFlush(req);
                } else {
                    req.release();
                    waiting = false;
                    errors++;
                    template.config().group().next().schedule(this::next, RETRY_NANOS, TimeUnit.NANOSECONDS);
                }
            });
        }

        void response(Channel from, FullHttpResponse r) {
            if (from != channel || !waiting) {
                return;
            }
            waiting = false;
            if (!HttpUtil.isKeepAlive(r)) {
                channel.close();
                channel = null;
            }
            if (!r.status().equals(HttpResponseStatus.OK)) {
                errors++;
                next();
                return;
            }
            String sessionId = null;
            boolean close = false;
            String header = r.headers().get("X-MSN-Messenger");
            if (header != null) {
                for (String field : header.split(";")) {
                    String f = field.trim();
                    if (f.startsWith("SessionID=")) {
                        sessionId = f.substring("SessionID=".length());
                    } else if (f.equals("Session=close")) {
                        close = true;
                    }
                }
            }
            if (phase == Phase.OPEN) {
                if (sessionId == null || close) {
                    errors++;
                    next();
                    return;
                }
                phase = Phase.SEND;
                post(PATH + "?SessionID=" + sessionId, CVR_USR);
                return;
            }
            xfr |= r.content().toString(StandardCharsets.ISO_8859_1).contains("XFR 3 NS ");
            if (close) {
                if (xfr) {
                    handshakes++;
                    latency.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - t0) / 1000));
                } else {
                    errors++;
                }
                next();
            } else if (sessionId == null) {
                errors++;
                next();
            } else {
                phase = Phase.POLL;
                post(PATH + "?Action=poll&SessionID=" + sessionId, new byte[0]);
            }
        }

        /** The connection ended or broke; a handshake waiting on it has failed. */
        void lost(Channel from) {
            if (from != channel) {
                return;
            }
            channel = null;
            if (waiting) {
                waiting = false;
                errors++;
                next();
            }
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Client client;

        Handler(Client client) {
            this.client = client;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            client.response(ctx.channel(), r);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.lost(ctx.channel());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

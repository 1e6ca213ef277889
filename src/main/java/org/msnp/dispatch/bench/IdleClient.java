package org.msnp.dispatch.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.msnp.dispatch.net.Transport;

/**
 * Holds connections open after VER, as clients do between VER and their next line: each connection
 * sends the VER line of a script of the mix, checks the reply, and then stays silent. Counts the
 * connections held and those the server closed afterwards.
 */
public final class IdleClient implements AutoCloseable {
    private final Transport transport = Transport.client();
    private final EventLoopGroup group;
    private final Bootstrap template;
    private final List<InetSocketAddress> sources;
    private final List<Handshake> cycle;
    private final ChannelGroup channels = new DefaultChannelGroup("idle", GlobalEventExecutor.INSTANCE);
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile String firstError;
    private final boolean proxyHeader;

    public IdleClient(List<InetSocketAddress> sources, List<Handshake> cycle, int threads, Duration timeout) {
        this(sources, cycle, threads, timeout, false);
    }

    /** @param proxyHeader each connection begins with a PROXY v1 header (a server with proxy-protocol: true) */
    public IdleClient(List<InetSocketAddress> sources, List<Handshake> cycle, int threads, Duration timeout,
                      boolean proxyHeader) {
        this.proxyHeader = proxyHeader;
        this.group = transport.group(threads);
        this.sources = List.copyOf(sources);
        this.cycle = List.copyOf(cycle);
        Bootstrap b = new Bootstrap().group(group).channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
        if (transport == Transport.EPOLL && !this.sources.isEmpty()) {
            b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        this.template = b;
    }

    /**
     * Opens {@code count} connections, at most {@code parallel} of them still waiting for their
     * VER reply at any time, and returns when every one is held or has failed.
     */
    public void open(InetSocketAddress target, boolean exact, int count, int parallel) throws InterruptedException {
        Semaphore window = new Semaphore(parallel);
        for (int i = 0; i < count; i++) {
            window.acquire();
            Handshake script = cycle.get(i % cycle.size());
            Hold h = new Hold(script, exact, window);
            Bootstrap b = template.clone().handler(h);
            ChannelFuture f = sources.isEmpty() ? b.connect(target) : b.connect(target, sources.get(i % sources.size()));
            f.addListener(cf -> {
                if (!cf.isSuccess()) {
                    h.fail("connect: " + cf.cause());
                }
            });
        }
        window.acquire(parallel);
        window.release(parallel);
    }

    public long held() {
        return held.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Held connections the server has closed since. */
    public long lost() {
        return lost.get();
    }

    public String firstError() {
        return firstError;
    }

    public int open() {
        return channels.size();
    }

    @Override
    public void close() {
        channels.close().awaitUninterruptibly(30, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(30, TimeUnit.SECONDS);
    }

    private final class Hold extends ChannelInboundHandlerAdapter {
        private final Handshake script;
        private final boolean exact;
        private final Semaphore window;
        private final byte[] expected;
        private final byte[] line = new byte[256];
        private int pos;
        private boolean isHeld;
        private boolean done;

        Hold(Handshake script, boolean exact, Semaphore window) {
            this.script = script;
            this.exact = exact;
            this.window = window;
            this.expected = exact ? script.exchanges().get(0).reply() : script.exchanges().get(0).shape();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channels.add(ctx.channel());
            ctx.writeAndFlush(ProxyHeader.before(ctx.channel(), proxyHeader, script.firstRequest()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                for (int i = in.readerIndex(); i < in.writerIndex() && !done; i++) {
                    byte b = in.getByte(i);
                    if (isHeld || pos == line.length) {
                        fail("unexpected data after the VER reply");
                        ctx.close();
                        return;
                    }
                    line[pos++] = b;
                    if (b == '\n') {
                        boolean ok = exact ? pos == expected.length && java.util.Arrays.equals(line, 0, pos, expected, 0, pos)
                                : HandshakeHandler.hasShape(line, pos, expected);
                        if (!ok) {
                            fail("VER reply '" + new String(line, 0, pos, java.nio.charset.StandardCharsets.ISO_8859_1).trim()
                                    + "', expected '" + Handshake.text(expected).trim() + "'");
                            ctx.close();
                            return;
                        }
                        isHeld = true;
                        done = true;
                        held.incrementAndGet();
                        window.release();
                    }
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (isHeld) {
                lost.incrementAndGet();
            } else {
                fail("closed before the VER reply");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!isHeld) {
                fail(String.valueOf(cause));
            }
            ctx.close();
        }

        void fail(String why) {
            if (done) {
                return;
            }
            done = true;
            failed.incrementAndGet();
            if (firstError == null) {
                firstError = why;
            }
            window.release();
        }
    }
}

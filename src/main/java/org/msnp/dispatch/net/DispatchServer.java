package org.msnp.dispatch.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.msnp.dispatch.session.DispatchContext;

/**
 * The TCP listener: one {@link DispatchSession} per connection. The pipeline is
 * [PROXY header decoder] → {@link Gate} (client address, limits) → line framer (LF with an
 * optional CR before it ends a line, a bare CR does not: dispatch-server.md §2) →
 * {@link DispatchHandler}.
 */
public final class DispatchServer implements AutoCloseable {
    private final Supplier<DispatchContext> contexts;
    private final AtomicReference<ListenerSettings> settings;
    private final ConnectionObserver observer;
    private final AdmissionLimits limits;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup("dispatch", GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private ScheduledFuture<?> sweeper;

    public DispatchServer(Supplier<DispatchContext> contexts, ListenerSettings settings, ConnectionObserver observer,
                          int workerThreads) {
        this.contexts = contexts;
        this.settings = new AtomicReference<>(settings);
        this.observer = observer;
        this.limits = new AdmissionLimits(settings.limits());
        this.transport = Transport.best();
        this.boss = transport.group(1);
        this.workers = transport.group(workerThreads);
    }

    /** Binds and returns the address actually bound (port 0 becomes the chosen port). */
    public InetSocketAddress start() throws InterruptedException {
        ListenerSettings initial = settings.get();
        ServerBootstrap b = transport.listener(boss, workers)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        configure(ch.pipeline(), contexts, settings.get(), initial.proxyProtocol(), limits, observer);
                    }
                });
        listener = b.bind(initial.host(), initial.port()).sync().channel();
        sweeper = workers.next().scheduleAtFixedRate(() -> limits.sweep(System.nanoTime()), 10, 10, TimeUnit.SECONDS);
        return (InetSocketAddress) listener.localAddress();
    }

    /** The per-connection pipeline. */
    static void configure(ChannelPipeline p, Supplier<DispatchContext> contexts, ListenerSettings settings,
                          boolean proxyProtocol, AdmissionLimits limits, ConnectionObserver observer) {
        if (proxyProtocol) {
            p.addLast("proxy", new HAProxyMessageDecoder());
        }
        p.addLast("gate", new Gate(limits, observer, proxyProtocol, settings.trustedProxies(), settings.loginTimeout()))
                .addLast("framer", new LineBasedFrameDecoder(settings.maxLineLength(), true, true))
                .addLast("dispatch", new DispatchHandler(contexts, settings, observer));
    }

    /**
     * Runs one handshake through the real pipeline on an in-memory channel, so that its classes
     * are loaded and initialised before the first client arrives.
     */
    public static void warmUp(DispatchContext context, ListenerSettings settings) {
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(
                new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        configure(c.pipeline(), () -> context, settings, false, new AdmissionLimits(settings.limits()),
                                r -> r.logLine());
                    }
                });
        ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
                "VER 1 MSNP8 CVR0\r\nUSR 2 TWN I a@b.c\r\n", java.nio.charset.StandardCharsets.ISO_8859_1));
        for (Object out; (out = ch.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(out);
        }
        ch.finishAndReleaseAll();
    }

    /** New settings for connections accepted from now on (address, port and PROXY stay as bound). */
    public void update(ListenerSettings next) {
        settings.set(next);
        limits.update(next.limits());
    }

    public Transport transport() {
        return transport;
    }

    public AdmissionLimits limits() {
        return limits;
    }

    /** Connections open right now (admitted or not yet). */
    public int openConnections() {
        return connections.size();
    }

    public boolean isListening() {
        return listener != null && listener.isActive();
    }

    /**
     * Stops accepting, lets open conversations run for up to {@code grace}, then ends the rest.
     */
    public void stop(Duration grace) throws InterruptedException {
        if (listener != null) {
            listener.close().sync();
        }
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        for (Channel ch : connections) {
            DispatchHandler h = ch.pipeline().get(DispatchHandler.class);
            ChannelHandlerContext ctx = ch.pipeline().context(DispatchHandler.class);
            if (h != null && ctx != null) {
                ch.eventLoop().execute(() -> h.shutdown(ctx));
            } else {
                ch.close();
            }
        }
        connections.newCloseFuture().await(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ZERO);
    }
}

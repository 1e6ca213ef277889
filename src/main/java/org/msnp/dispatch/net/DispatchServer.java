package org.msnp.dispatch.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.msnp.dispatch.session.DispatchContext;

/**
 * The TCP listener: one {@link DispatchSession} per connection, framed on LF with an optional
 * CR before it (CR LF and bare LF end a line, a bare CR does not: dispatch-server.md §2).
 */
public final class DispatchServer implements AutoCloseable {
    private final Supplier<DispatchContext> contexts;
    private final ListenerSettings settings;
    private final ConnectionObserver observer;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup("dispatch", GlobalEventExecutor.INSTANCE);
    private Channel listener;

    public DispatchServer(Supplier<DispatchContext> contexts, ListenerSettings settings, ConnectionObserver observer,
                          int workerThreads) {
        this.contexts = contexts;
        this.settings = settings;
        this.observer = observer;
        this.transport = Transport.best();
        this.boss = transport.group(1);
        this.workers = transport.group(workerThreads);
    }

    /** Binds and returns the address actually bound (port 0 becomes the chosen port). */
    public InetSocketAddress start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 8192)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        configure(ch.pipeline(), contexts, settings, observer);
                    }
                });
        listener = b.bind(settings.host(), settings.port()).sync().channel();
        return (InetSocketAddress) listener.localAddress();
    }

    /** The per-connection pipeline: framing, then the session. */
    static void configure(ChannelPipeline p, Supplier<DispatchContext> contexts, ListenerSettings settings,
                          ConnectionObserver observer) {
        p.addLast("framer", new LineBasedFrameDecoder(settings.maxLineLength(), true, true))
                .addLast("dispatch", new DispatchHandler(contexts, settings, observer));
    }

    public Transport transport() {
        return transport;
    }

    /** Connections open right now. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Stops accepting, lets open handshakes run for up to {@code grace}, then closes the rest.
     */
    public void stop(Duration grace) throws InterruptedException {
        if (listener != null) {
            listener.close().sync();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        connections.close().await(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ZERO);
    }
}

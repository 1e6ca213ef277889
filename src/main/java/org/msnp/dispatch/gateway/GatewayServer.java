package org.msnp.dispatch.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.net.ConnectionObserver;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.session.DispatchContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway listener (http-gateway.md, docs/gateway.md): {@code POST /gateway/gateway.dll}
 * in front of the same {@link org.msnp.dispatch.session.DispatchSession} core as the TCP listener.
 * Each open makes one gateway session bound to one dispatch session; the connection log and the
 * metrics hear of it with transport {@code http}.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");

    private final AtomicReference<GatewaySettings> settings;
    private final Tunnels tunnels;
    private final ConnectionObserver observer;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup("gateway", GlobalEventExecutor.INSTANCE);
    private Channel listener;
    private ScheduledFuture<?> sweeper;

    GatewayServer(GatewaySettings settings, Supplier<DispatchContext> contexts, ConnectionObserver observer,
                  int workerThreads) {
        this.settings = new AtomicReference<>(settings);
        this.tunnels = new Tunnels(contexts, this.settings::get, observer);
        this.observer = observer;
        this.transport = Transport.best();
        this.boss = transport.group(1);
        this.workers = transport.group(workerThreads);
    }

    /**
     * The gateway {@code config.gateway()} describes, for a server whose TCP listener is bound to
     * {@code tcp} (named in XFR when {@code public-address} is not set).
     */
    public static GatewayServer of(DispatchConfig config, Supplier<DispatchContext> contexts, ConnectionObserver observer,
                                   InetSocketAddress tcp) {
        return new GatewayServer(GatewaySettings.of(config, tcp.getPort()), contexts, observer,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** Binds and returns the address actually bound (port 0 becomes the chosen port). */
    public InetSocketAddress start() throws InterruptedException {
        GatewaySettings initial = settings.get();
        GatewayHandler handler = new GatewayHandler(tunnels, settings::get);
        long idleMillis = initial.sessionIdle().toMillis();
        ServerBootstrap b = transport.listener(boss, workers, "http", reason -> observer.refused("http", reason))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        GatewaySettings now = settings.get();
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, now.sessionIdle().toMillis(), TimeUnit.MILLISECONDS))
                                .addLast("http", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                // Answers 413 itself for a body over the limit; the tunnel never sees it.
                                .addLast("body", new HttpObjectAggregator(now.maxBodyBytes()))
                                .addLast("gateway", handler);
                    }
                });
        listener = b.bind(initial.host(), initial.port()).sync().channel();
        long every = Math.max(20, Math.min(1000, idleMillis / 2));
        sweeper = workers.next().scheduleAtFixedRate(() -> tunnels.sweep(System.nanoTime()), every, every,
                TimeUnit.MILLISECONDS);
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        LOG.info("HTTP gateway listening on {} (POST {})", bound, GatewayRequest.PATH);
        return bound;
    }

    /**
     * New settings for requests and gateway sessions from now on (the listen address stays as
     * bound; the sweep interval as started).
     */
    public void update(DispatchConfig config) {
        GatewaySettings old = settings.get();
        settings.set(GatewaySettings.of(config, old.tcpPort()));
    }

    /** Closes the listening socket; open gateway sessions carry on. */
    public void stopAccepting() throws InterruptedException {
        if (listener != null) {
            listener.close().sync();
        }
    }

    /**
     * Stops accepting, lets open gateway sessions run for up to {@code grace} (clients finish
     * over the connections they already have), then ends the rest.
     */
    public void stop(Duration grace) throws InterruptedException {
        stopAccepting();
        long deadline = System.nanoTime() + grace.toNanos();
        while (tunnels.active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        tunnels.removeAll("shutdown", System.nanoTime());
        connections.close().await(5, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ZERO);
    }
}

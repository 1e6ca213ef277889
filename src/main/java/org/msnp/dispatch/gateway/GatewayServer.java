package org.msnp.dispatch.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.admission.Gate;
import org.msnp.dispatch.admission.TrustedProxies;
import org.msnp.dispatch.net.EventLoops;
import org.msnp.dispatch.net.HandlerNames;
import org.msnp.dispatch.net.ListenerSettings;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.TransportKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway listener (http-gateway.md, docs/gateway.md): {@code POST /gateway/gateway.dll}
 * in front of the same {@link org.msnp.dispatch.conversation.Conversation} as the TCP listener.
 * Each open makes one gateway session bound to one conversation; the connection log and the
 * metrics hear of it with transport {@code http}. Its HTTP connections pass the same admission as
 * TCP connections ({@link Gate}) and run on the same event loops. The pipeline is
 * {@link Gate} → {@link HttpDeadlines} → HTTP codec → keep-alive → body aggregator →
 * {@link GatewayHandler}.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");

    private final ListenerSettings listen;
    private final Supplier<GatewaySettings> settings;
    private final AdmissionLimits limits;
    private final ConnectionObserver observer;
    private final Tunnels tunnels;
    private final EventLoops loops;
    private final ChannelGroup connections = new DefaultChannelGroup("gateway", GlobalEventExecutor.INSTANCE);
    private org.msnp.dispatch.net.Transport.Listening listener;
    private ScheduledFuture<?> sweeper;

    public GatewayServer(ListenerSettings listen, Supplier<GatewaySettings> settings, AdmissionLimits limits,
                         ConnectionObserver observer, EventLoops loops) {
        this.listen = listen;
        this.settings = settings;
        this.limits = limits;
        this.observer = observer;
        this.tunnels = new Tunnels(observer);
        this.loops = loops;
    }

    /** Binds and returns the address actually bound (port 0 becomes the chosen port). */
    public InetSocketAddress start() throws InterruptedException {
        GatewayHandler handler = new GatewayHandler(tunnels, settings);
        ServerBootstrap b = loops.listener(TransportKind.HTTP, observer)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        GatewaySettings now = settings.get();
                        ch.pipeline()
                                .addLast(HandlerNames.GATE, new Gate(TransportKind.HTTP, limits, observer, false,
                                        TrustedProxies.LOOPBACK, now.requestTimeout()))
                                .addLast(HandlerNames.DEADLINES, new HttpDeadlines(now.requestTimeout(), now.keepAliveTimeout(), observer))
                                .addLast(HandlerNames.HTTP, new HttpServerCodec())
                                .addLast(HandlerNames.KEEP_ALIVE, new HttpServerKeepAliveHandler())
                                // Answers 413 itself for a body over the limit; the tunnel never sees it.
                                .addLast(HandlerNames.BODY, new HttpObjectAggregator(now.maxBodyBytes()))
                                .addLast(HandlerNames.GATEWAY, handler);
                    }
                });
        listener = loops.bind(b, listen.host(), listen.port());
        long idleMillis = settings.get().sessionIdle().toMillis();
        long every = Math.max(20, Math.min(1000, idleMillis / 2));
        sweeper = loops.workers().next().scheduleAtFixedRate(() -> tunnels.sweep(System.nanoTime()), every, every,
                TimeUnit.MILLISECONDS);
        InetSocketAddress bound = listener.localAddress();
        LOG.info("HTTP gateway listening on {} (POST {})", bound, GatewayRequest.PATH);
        return bound;
    }

    /** Closes the listening socket; open gateway sessions carry on. */
    public void stopAccepting() throws InterruptedException {
        if (listener != null) {
            listener.close();
        }
    }

    /** HTTP connections open now. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Stops accepting, lets open gateway sessions run for up to {@code grace} (clients finish
     * over the connections they already have), then ends the rest. The event loops belong to the
     * caller.
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
        tunnels.removeAll(EndReason.SHUTDOWN, System.nanoTime());
        connections.close().await(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ZERO);
    }
}

package org.msnp.dispatch.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.admission.Gate;
import org.msnp.dispatch.admission.TrustedProxies;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.TransportKind;

/**
 * The TCP listener: one {@link org.msnp.dispatch.conversation.Conversation} per connection. The
 * pipeline is [PROXY header decoder] → {@link Gate} (client address, admission) →
 * {@link DispatchHandler} (the conversation frames the lines itself).
 */
public final class DispatchServer implements AutoCloseable {
    private final ListenerSettings listen;
    private final Supplier<Snapshot> snapshots;
    private final Supplier<TrustedProxies> trusted;
    private final ConnectionObserver observer;
    private final AdmissionLimits limits;
    private final EventLoops loops;
    private final ChannelGroup connections = new DefaultChannelGroup("dispatch", GlobalEventExecutor.INSTANCE);
    private Transport.Listening listener;
    /** The listener without channels, on epoll with a listener per loop (else null). */
    private DirectListener direct;

    public DispatchServer(ListenerSettings listen, Supplier<Snapshot> snapshots, Supplier<TrustedProxies> trusted,
                          AdmissionLimits limits, ConnectionObserver observer, EventLoops loops) {
        this.listen = listen;
        this.snapshots = snapshots;
        this.trusted = trusted;
        this.limits = limits;
        this.observer = observer;
        this.loops = loops;
    }

    /** Binds and returns the address actually bound (port 0 becomes the chosen port). */
    public InetSocketAddress start() throws InterruptedException {
        if (DirectListener.serves(loops)) {
            direct = DirectListener.bind(loops, listen.host(), listen.port(), snapshots, limits, observer,
                    listen.proxyProtocol() ? trusted : null);
            return direct.localAddress();
        }
        ServerBootstrap b = loops.listener(TransportKind.TCP, observer)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        configure(ch.pipeline(), snapshots.get(), listen.proxyProtocol(), trusted.get(), limits, observer);
                    }
                });
        listener = loops.bind(b, listen.host(), listen.port());
        return listener.localAddress();
    }

    /** The per-connection pipeline, on one snapshot of the configuration. */
    static void configure(ChannelPipeline p, Snapshot snapshot, boolean proxyProtocol, TrustedProxies trusted,
                          AdmissionLimits limits, ConnectionObserver observer) {
        if (proxyProtocol) {
            p.addLast(HandlerNames.PROXY, new HAProxyMessageDecoder());
        }
        Gate gate = new Gate(TransportKind.TCP, limits, observer, proxyProtocol, trusted, snapshot.settings().loginTimeout());
        p.addLast(HandlerNames.GATE, gate)
                .addLast(HandlerNames.DISPATCH, new DispatchHandler(snapshot, gate, observer));
    }

    /**
     * Runs one handshake through the real pipeline on an in-memory channel, so that its classes
     * are loaded and initialised before the first client arrives.
     */
    public static void warmUp(Snapshot configured, AdmissionLimits.Thresholds thresholds) {
        // an in-memory channel has no port to name in XFR
        Snapshot snapshot = new Snapshot(configured.version(), configured.context(), configured.settings(),
                java.util.Optional.of(org.msnp.dispatch.protocol.HostPort.parse("127.0.0.1:1863")));
        io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel(
                new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        configure(c.pipeline(), snapshot, false, TrustedProxies.LOOPBACK, new AdmissionLimits(thresholds),
                                r -> r.summary().outcomeLabel());
                    }
                });
        ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(
                "VER 1 MSNP8 CVR0\r\nUSR 2 TWN I a@b.c\r\n", java.nio.charset.StandardCharsets.ISO_8859_1));
        for (Object out; (out = ch.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(out);
        }
        ch.finishAndReleaseAll();
    }

    public Transport transport() {
        return loops.transport();
    }

    /** Connections open right now (admitted or not yet). */
    public int openConnections() {
        return direct != null ? direct.openConnections() : connections.size();
    }

    public boolean isListening() {
        return direct != null ? direct.isListening() : listener != null && listener.isActive();
    }

    /** {@code direct} when the listener runs without channels ({@link DirectListener}), else {@code pipeline}. */
    public String connections() {
        return direct != null ? "direct" : "pipeline";
    }

    /** Closes the listening socket; open conversations carry on. */
    public void stopAccepting() throws InterruptedException {
        if (direct != null) {
            direct.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /**
     * Stops accepting, lets open conversations run for up to {@code grace}, then ends the rest.
     * The event loops belong to the caller.
     */
    public void stop(Duration grace) throws InterruptedException {
        stopAccepting();
        long deadline = System.nanoTime() + grace.toNanos();
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (direct != null) {
            direct.endAll();
            return;
        }
        for (Channel ch : connections) {
            DispatchHandler h = (DispatchHandler) ch.pipeline().get(HandlerNames.DISPATCH);
            if (h != null) {
                ch.eventLoop().execute(() -> {
                    if (ch.isActive() && ch.pipeline().context(HandlerNames.DISPATCH) != null) {
                        h.shutdown();
                    }
                    // also a connection its handler never saw (one still awaiting its PROXY header)
                    ch.close();
                });
            } else {
                ch.close();
            }
        }
        connections.newCloseFuture().await(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ZERO);
    }
}

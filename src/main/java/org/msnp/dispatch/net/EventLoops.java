package org.msnp.dispatch.net;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The event loops every listener (TCP, the gateway) and the Notification-Server health checks run
 * on: one worker per core, each accepting on a listener of its own where the transport can
 * ({@link Transport#bind}), else behind one acceptor thread.
 */
public final class EventLoops implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    public EventLoops(int workerThreads, Transport transport) {
        this.transport = transport;
        // accepting per worker loop needs no acceptor thread
        this.boss = transport.acceptsPerLoop() ? null : transport.group(1);
        this.workers = transport.group(workerThreads);
    }

    /** One worker per available core, on {@code transport}. */
    public static EventLoops perCore(Transport transport) {
        return new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()), transport);
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /**
     * A listener with the socket options every listener of the project uses; a failed accept is
     * told to {@code observer} as a refusal. Bind it with {@link #bind}.
     */
    public io.netty.bootstrap.ServerBootstrap listener(org.msnp.dispatch.observe.TransportKind kind,
                                                       org.msnp.dispatch.observe.ConnectionObserver observer) {
        return transport.listener(kind, reason -> observer.refused(kind, reason));
    }

    /** Binds {@code b} on these loops (one listener per worker where the transport can). */
    public Transport.Listening bind(io.netty.bootstrap.ServerBootstrap b, String host, int port)
            throws InterruptedException {
        return transport.bind(b, boss, workers, host, port);
    }

    @Override
    public void close() throws InterruptedException {
        if (boss != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}

package org.msnp.dispatch.net;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The one pair of event-loop groups every listener (TCP, the gateway) and the Notification-Server
 * health checks run on: one acceptor thread, one worker per core.
 */
public final class EventLoops implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;

    public EventLoops(int workerThreads) {
        this.transport = Transport.best();
        this.boss = transport.group(1);
        this.workers = transport.group(workerThreads);
    }

    /** One worker per available core. */
    public static EventLoops perCore() {
        return new EventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public Transport transport() {
        return transport;
    }

    public EventLoopGroup boss() {
        return boss;
    }

    public EventLoopGroup workers() {
        return workers;
    }

    /**
     * A listener on these loops with the socket options every listener of the project uses; a
     * failed accept is told to {@code observer} as a refusal.
     */
    public io.netty.bootstrap.ServerBootstrap listener(org.msnp.dispatch.observe.TransportKind kind,
                                                       org.msnp.dispatch.observe.ConnectionObserver observer) {
        return transport.listener(boss, workers, kind, reason -> observer.refused(kind, reason));
    }

    @Override
    public void close() throws InterruptedException {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}

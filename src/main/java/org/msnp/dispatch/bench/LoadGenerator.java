package org.msnp.dispatch.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.msnp.dispatch.net.Transport;

/**
 * The load tool's client: non-blocking Netty connections on the server's {@link Transport}, each a
 * fresh TCP connection playing one {@link Handshake} of the mix. Runs either closed-loop (C
 * connections in flight, each finished one replaced at once: the peak rate) or paced (a fixed
 * rate of new connections, latency counted from when each was due, so a stalled server is not
 * flattered by connections that started late).
 */
public final class LoadGenerator implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup group;
    private final Bootstrap template;
    private final List<InetSocketAddress> sources;
    private final List<Handshake> cycle;
    private final long timeoutNanos;

    /**
     * @param sources local addresses to connect from, used in turn (empty: let the system choose)
     */
    public LoadGenerator(List<InetSocketAddress> sources, List<Handshake> cycle, int threads, Duration timeout) {
        this.transport = Transport.best();
        this.group = transport.group(threads);
        this.sources = List.copyOf(sources);
        this.cycle = List.copyOf(cycle);
        this.timeoutNanos = timeout.toNanos();
        Bootstrap b = new Bootstrap().group(group).channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (transport == Transport.EPOLL && !this.sources.isEmpty()) {
            // Choose the source port at connect time, by the whole 4-tuple, not at bind time.
            b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        this.template = b;
    }

    /** {@code 127.0.0.1 … 127.0.0.n} (port chosen by the system); empty for n = 0. */
    public static List<InetSocketAddress> loopbackSources(int n) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            try {
                out.add(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) (i >> 8), (byte) i}), 0));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * A server to load.
     *
     * @param exact check replies byte for byte (a server running {@link KnownConfig}, or the
     *              ceiling) rather than by shape
     */
    public record Target(InetSocketAddress address, boolean exact) {
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Keeps {@code concurrency} handshakes in flight until {@code count} have been started or
     * {@code duration} has passed, then waits for those in flight.
     */
    public Result closedLoop(String label, Target target, int concurrency, long count, Duration duration)
            throws InterruptedException {
        Run run = new Run(label, target, count, System.nanoTime() + duration.toNanos(), cycle);
        for (int i = 0; i < concurrency; i++) {
            if (!startNext(run, true)) {
                break;
            }
        }
        return await(run);
    }

    /**
     * Starts handshakes at {@code rate} per second (at most {@code maxInFlight} open at once)
     * until {@code count} have been started or {@code duration} has passed. Latency is counted
     * from the time each connection was due, not from when it could start.
     */
    public Result paced(String label, Target target, double rate, int maxInFlight, long count, Duration duration)
            throws InterruptedException {
        long t0 = System.nanoTime();
        Run run = new Run(label, target, count, t0 + duration.toNanos(), cycle);
        double interval = 1e9 / rate;
        long issued = 0;
        while (true) {
            long now = System.nanoTime();
            long due = (long) ((now - t0) / interval) + 1;
            boolean over = false;
            while (issued < due) {
                if (run.inFlight.get() >= maxInFlight) {
                    break;
                }
                long seq = run.claim();
                if (seq < 0) {
                    over = true;
                    break;
                }
                start(run, seq, t0 + (long) (issued * interval), false);
                issued++;
            }
            if (over) {
                break;
            }
            LockSupport.parkNanos(20_000);
        }
        return await(run);
    }

    private Result await(Run run) throws InterruptedException {
        while (!run.finished()) {
            if (System.nanoTime() - run.deadline > 0) {
                run.close();
            }
            Thread.sleep(2);
        }
        return run.result();
    }

    private boolean startNext(Run run, boolean replace) {
        long seq = run.claim();
        if (seq < 0) {
            return false;
        }
        start(run, seq, System.nanoTime(), replace);
        return true;
    }

    private void start(Run run, long seq, long startNanos, boolean replace) {
        int index = (int) (seq % cycle.size());
        run.inFlight.incrementAndGet();
        Runnable onEnd = () -> {
            if (replace) {
                startNext(run, true);
            }
            run.inFlight.decrementAndGet();
        };
        HandshakeHandler h = new HandshakeHandler(run, cycle.get(index), index, run.target.exact(), startNanos,
                timeoutNanos, onEnd);
        Bootstrap b = template.clone().handler(h);
        InetSocketAddress to = run.target.address();
        ChannelFuture f = sources.isEmpty() ? b.connect(to) : b.connect(to, sources.get((int) (seq % sources.size())));
        f.addListener(cf -> {
            if (!cf.isSuccess()) {
                h.connectFailed(cf.cause());
            }
        });
    }

    EventLoopGroup group() {
        return group;
    }

    Bootstrap template() {
        return template.clone();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

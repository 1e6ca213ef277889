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
        this.transport = Transport.client();
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
     * @param exact  check replies byte for byte (a server running {@link KnownConfig}, or the
     *               ceiling) rather than by shape
     * @param ending what the client does after the last reply, and what counts as the end
     * @param proxyHeader every connection begins with a PROXY v1 header (a server with
     *                    {@code proxy-protocol: true})
     */
    public record Target(InetSocketAddress address, boolean exact, Ending ending, boolean proxyHeader) {
        public Target(InetSocketAddress address, boolean exact) {
            this(address, exact, Ending.FOLLOW);
        }

        public Target(InetSocketAddress address, boolean exact, Ending ending) {
            this(address, exact, ending, false);
        }
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
        new Pacer(run, t0, 1e9 / rate, maxInFlight).schedule(group.next(), 0);
        return await(run);
    }

    /**
     * Starts the connections of a paced run from an event loop of the load generator rather than
     * from a thread of its own, so that pacing adds no thread to those competing for the cores:
     * each time it runs it starts every connection due by then and sleeps until the next is due.
     */
    private final class Pacer implements Runnable {
        private final Run run;
        private final long t0;
        private final double interval;
        private final int maxInFlight;
        private io.netty.channel.EventLoop loop;
        private long issued;

        Pacer(Run run, long t0, double interval, int maxInFlight) {
            this.run = run;
            this.t0 = t0;
            this.interval = interval;
            this.maxInFlight = maxInFlight;
        }

        void schedule(io.netty.channel.EventLoop on, long delayNanos) {
            loop = on;
            loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            long due = (long) ((now - t0) / interval) + 1;
            while (issued < due) {
                if (run.inFlight.get() >= maxInFlight) {
                    // Over the cap: try again shortly; the delay counts in the latency of the late ones.
                    loop.schedule(this, 100_000, TimeUnit.NANOSECONDS);
                    return;
                }
                long seq = run.claim();
                if (seq < 0) {
                    return;
                }
                start(run, seq, t0 + (long) (issued * interval), false);
                issued++;
            }
            long next = t0 + (long) (issued * interval);
            loop.schedule(this, Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
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
        HandshakeHandler h = new HandshakeHandler(run, cycle.get(index), index, run.target.exact(), run.target.ending(),
                startNanos, timeoutNanos, onEnd, run.target.proxyHeader());
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

package org.msnp.dispatch.routing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.msnp.dispatch.net.IoFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active TCP checks of every target of an {@link NsPool}: a target is healthy while it accepts
 * connections. A check connects, and closes as soon as the connection is up; a refused or timed
 * out connect is a failure. {@code rise}/{@code fall} consecutive results change the health.
 *
 * <p>A check that cannot even open its own socket (the process is out of file descriptors, say)
 * has learnt nothing about the target: the target's health stays as it was, and the failure is
 * logged at most once per {@link #NOT_RUN_LOG_EVERY} (or per interval, if longer) with the number
 * of checks it cost.
 */
public final class HealthChecker implements AutoCloseable {
    static final Duration NOT_RUN_LOG_EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");
    // loaded with this class: out of descriptors, a class file not read yet could not be opened
    private static final Class<?> NEEDED_OUT_OF_FILES = IoFailure.class;

    /** Told when a target changes health. */
    public interface Listener {
        void changed(NsTarget target, boolean healthy);
    }

    private final NsPool pool;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Duration interval;
    private final Duration timeout;
    private final int rise;
    private final int fall;
    private final Listener listener;
    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
    private final AtomicInteger notRun = new AtomicInteger();
    private long nextNotRunLine = System.nanoTime();
    private volatile boolean closed;

    public HealthChecker(NsPool pool, EventLoopGroup group, Class<? extends Channel> channelType, Duration interval,
                         Duration timeout, int rise, int fall, Listener listener) {
        this.pool = pool;
        this.group = group;
        this.channelType = channelType;
        this.interval = interval;
        this.timeout = timeout;
        this.rise = rise;
        this.fall = fall;
        this.listener = listener;
    }

    /** Checks each target now and then every interval. */
    public void start() {
        for (NsTarget t : pool.targets()) {
            schedules.add(group.next().scheduleWithFixedDelay(() -> check(t), 0, interval.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private void check(NsTarget t) {
        if (closed) {
            return;
        }
        // Two steps, so that a failure of our own socket (created and registered in the first)
        // is never taken for a failure of the target (the connect, in the second).
        Bootstrap b = new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                .handler(new ChannelInboundHandlerAdapter());
        ChannelFuture registered = b.register();
        registered.addListener((ChannelFutureListener) r -> {
            if (!r.isSuccess()) {
                notRun(r.cause());
                return;
            }
            // resolved here as Bootstrap.connect would (an IP literal needs no lookup)
            InetSocketAddress address = new InetSocketAddress(t.address().host(), t.address().port());
            if (address.isUnresolved()) {
                r.channel().close();
                record(t, false);
                return;
            }
            r.channel().connect(address).addListener((ChannelFutureListener) f -> {
                f.channel().close();
                record(t, f.isSuccess());
            });
        });
    }

    private void record(NsTarget t, boolean ok) {
        if (!closed && t.record(ok, rise, fall)) {
            listener.changed(t, t.isHealthy());
        }
    }

    private void notRun(Throwable cause) {
        int skipped = notRun.incrementAndGet();
        synchronized (this) {
            long now = System.nanoTime();
            if (closed || now - nextNotRunLine < 0) {
                return;
            }
            nextNotRunLine = now + Math.max(interval.toNanos(), NOT_RUN_LOG_EVERY.toNanos());
            skipped = notRun.getAndSet(0);
        }
        LOG.warn("Notification Server health checks not run: cannot open a local socket ({}); {} check(s) skipped, "
                + "health of the targets unchanged (logged at most every {} s)", IoFailure.reason(cause), skipped,
                Math.max(interval.toSeconds(), NOT_RUN_LOG_EVERY.toSeconds()));
    }

    @Override
    public void close() {
        closed = true;
        schedules.forEach(s -> s.cancel(false));
    }
}

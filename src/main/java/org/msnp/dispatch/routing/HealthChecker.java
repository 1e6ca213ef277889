package org.msnp.dispatch.routing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Active TCP checks of every target of an {@link NsPool}: a target is healthy while it accepts
 * connections. A check connects, and closes as soon as the connection is up; a refused or timed
 * out connect is a failure. {@code rise}/{@code fall} consecutive results change the health.
 */
public final class HealthChecker implements AutoCloseable {

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
        new Bootstrap().group(group).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeout.toMillis()))
                .handler(new ChannelInboundHandlerAdapter())
                .connect(t.address().host(), t.address().port())
                .addListener((ChannelFutureListener) f -> {
                    boolean ok = f.isSuccess();
                    if (ok) {
                        f.channel().close();
                    }
                    if (!closed && t.record(ok, rise, fall)) {
                        listener.changed(t, t.isHealthy());
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
        schedules.forEach(s -> s.cancel(false));
    }
}

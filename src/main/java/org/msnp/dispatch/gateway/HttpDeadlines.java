package org.msnp.dispatch.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;

/**
 * The two deadlines of a gateway HTTP connection, on one timer: a request must be complete
 * (headers and body) within the request timeout of its first byte, however slowly its bytes
 * trickle in; between requests a kept-alive connection may stay idle for the keep-alive timeout.
 * Sits in front of the HTTP codec, so it sees the bytes as they come; the gateway handler tells it
 * when a request is complete. A request that misses its deadline is counted as refused
 * ({@code request-timeout}).
 */
final class HttpDeadlines extends ChannelInboundHandlerAdapter {
    private final Duration requestTimeout;
    private final Duration keepAliveTimeout;
    private final ConnectionObserver observer;
    private ChannelHandlerContext ctx;
    private boolean inRequest;
    private ScheduledFuture<?> timer;

    HttpDeadlines(Duration requestTimeout, Duration keepAliveTimeout, ConnectionObserver observer) {
        this.requestTimeout = requestTimeout;
        this.keepAliveTimeout = keepAliveTimeout;
        this.observer = observer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(keepAliveTimeout);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!inRequest) {
            inRequest = true;
            arm(requestTimeout);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request whose first byte started the timer is complete: back to the keep-alive wait. */
    void requestComplete() {
        inRequest = false;
        arm(keepAliveTimeout);
    }

    private void arm(Duration d) {
        cancel();
        timer = ctx.executor().schedule(this::expired, d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void expired() {
        if (inRequest) {
            observer.refused(TransportKind.HTTP, Refusal.REQUEST_TIMEOUT);
        }
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }
}

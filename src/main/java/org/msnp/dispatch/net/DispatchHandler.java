package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.session.DispatchContext;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.Step;

/**
 * Feeds framed lines to one {@link DispatchSession} and writes its replies. Replies to the lines
 * of one read are flushed together. When the session ends the conversation, the output is
 * flushed and shut down (FIN) and further input is read and dropped until the client closes or
 * the linger time passes: closing a socket with unread input would make the kernel reset the
 * connection and could destroy the reply in flight (dispatch-server.md §8).
 */
final class DispatchHandler extends ChannelInboundHandlerAdapter {
    private final Supplier<DispatchContext> contexts;
    private final ListenerSettings settings;
    private final ConnectionObserver observer;

    private DispatchSession session;
    private long openedAt;
    private boolean pendingFlush;
    private boolean closing;
    private String end = "client-closed";
    private ScheduledFuture<?> timer;
    private long lastRead;

    DispatchHandler(Supplier<DispatchContext> contexts, ListenerSettings settings, ConnectionObserver observer) {
        this.contexts = contexts;
        this.settings = settings;
        this.observer = observer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        openedAt = System.nanoTime();
        lastRead = openedAt;
        session = new DispatchSession(contexts.get(), current(ctx));
        observer.opened("tcp");
        // The first check comes at the earlier of the two limits; each check re-arms for the time left.
        arm(ctx, settings.loginTimeout().compareTo(settings.idleTimeout()) < 0 ? settings.loginTimeout() : settings.idleTimeout());
        ctx.fireChannelActive();
    }

    /** The address named in MSNP7–12 XFR as this server: configured, or the one the client reached. */
    private HostPort current(ChannelHandlerContext ctx) {
        if (settings.publicAddress().isPresent()) {
            return settings.publicAddress().get();
        }
        Gate gate = ctx.pipeline().get(Gate.class);
        InetSocketAddress reached = gate != null ? gate.reached(ctx.channel()) : (InetSocketAddress) ctx.channel().localAddress();
        return HostPort.of(reached);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            lastRead = System.nanoTime();
            Step step = session.handle(Command.parse(frame.toString(StandardCharsets.ISO_8859_1)));
            for (Reply r : step.replies()) {
                ctx.write(ReplyBytes.encode(ctx.alloc(), r));
                pendingFlush = true;
            }
            if (step.close()) {
                finish(ctx, "server-closed");
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pendingFlush) {
            pendingFlush = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Ends the conversation: flush, send FIN, drain input for at most the linger time. */
    private void finish(ChannelHandlerContext ctx, String why) {
        if (closing) {
            return;
        }
        closing = true;
        end = why;
        pendingFlush = false;
        cancelTimer();
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !(f.channel() instanceof DuplexChannel duplex)) {
                f.channel().close();
                return;
            }
            duplex.shutdownOutput().addListener((ChannelFutureListener) s -> {
                if (!s.isSuccess()) {
                    s.channel().close();
                }
            });
            // cancelled in channelInactive: a finished connection must not stay reachable from the timer queue
            timer = ctx.executor().schedule(() -> ctx.channel().close(), settings.closeLinger().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private void arm(ChannelHandlerContext ctx, Duration timeout) {
        timer = ctx.executor().schedule(() -> checkIdle(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One timer per connection, re-armed for the time left rather than on every read. */
    private void checkIdle(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        long limit = (session.isPastVer() ? settings.idleTimeout() : settings.loginTimeout()).toNanos();
        long left = limit - (System.nanoTime() - lastRead);
        if (left <= 0) {
            end = "idle-timeout";
            closing = true;
            ctx.close();
            return;
        }
        timer = ctx.executor().schedule(() -> checkIdle(ctx), left, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing && !(cause instanceof java.io.IOException)) {
            // input after the last reply (an over-long line, say) is dropped; closing now, with it
            // unread, would reset the connection and could destroy the reply (close-linger)
            return;
        }
        if (!closing) {
            end = cause instanceof TooLongFrameException ? "line-too-long" : "error";
            closing = true;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (session != null) {
            Gate gate = ctx.pipeline().get(Gate.class);
            observer.finished(new ConnectionRecord(gate != null ? gate.client(ctx.channel()) : ctx.channel().remoteAddress(), "tcp",
                    session.summary(),
                    Duration.ofNanos(System.nanoTime() - openedAt), end));
        }
        ctx.fireChannelInactive();
    }

    /** Ends the connection at shutdown, after the grace period; the log says why. */
    void shutdown(ChannelHandlerContext ctx) {
        if (!closing) {
            end = "shutdown";
            closing = true;
        }
        ctx.close();
    }
}

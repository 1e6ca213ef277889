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
 * of one read are flushed together. When the session ends the conversation after a reply, the
 * server leaves the closing to the client for up to the close-wait: a client that pipelined
 * VER, CVR and USR may look for the end of the stream before it reads what it already has, and
 * throw the XFR away when the FIN comes with it (clients.md point 8). Only when the wait runs out
 * (or at once, with no wait configured or nothing sent) is the output shut down (FIN); input is
 * read and dropped throughout, and for the linger time after the FIN: closing a socket with unread
 * input would make the kernel reset the connection and could destroy the reply in flight
 * (dispatch-server.md §8).
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
    /** When the last reply was written; 0 while nothing was. */
    private long repliedAt;
    private boolean waiting;

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
            if (!step.replies().isEmpty()) {
                repliedAt = System.nanoTime();
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

    /**
     * Ends the conversation: flush, then wait for the client to close (when a reply was sent and a
     * close-wait is set), then FIN and drain input for at most the linger time.
     */
    private void finish(ChannelHandlerContext ctx, String why) {
        if (closing) {
            return;
        }
        closing = true;
        end = why;
        pendingFlush = false;
        cancelTimer();
        boolean wait = repliedAt != 0 && !settings.closeWait().isZero();
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                f.channel().close();
                return;
            }
            if (wait) {
                waiting = true;
                // cancelled in channelInactive, when the client closes first (the usual case)
                timer = ctx.executor().schedule(() -> {
                    waiting = false;
                    end = "close-wait";
                    shutdownOutput(ctx);
                }, settings.closeWait().toNanos(), TimeUnit.NANOSECONDS);
            } else {
                shutdownOutput(ctx);
            }
        });
    }

    /** FIN, then input drained until the client closes or the linger time passes. */
    private void shutdownOutput(ChannelHandlerContext ctx) {
        if (!(ctx.channel() instanceof DuplexChannel duplex) || !ctx.channel().isActive()) {
            ctx.channel().close();
            return;
        }
        duplex.shutdownOutput().addListener((ChannelFutureListener) s -> {
            if (!s.isSuccess()) {
                s.channel().close();
            }
        });
        // cancelled in channelInactive: a finished connection must not stay reachable from the timer queue
        timer = ctx.executor().schedule(() -> ctx.channel().close(), settings.closeLinger().toMillis(), TimeUnit.MILLISECONDS);
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
        if (waiting) {
            // the client closed within the close-wait, as the clients that follow an XFR do
            end = "client-closed";
        }
        if (session != null) {
            Gate gate = ctx.pipeline().get(Gate.class);
            observer.finished(new ConnectionRecord(gate != null ? gate.client(ctx.channel()) : ctx.channel().remoteAddress(), "tcp",
                    session.summary(), repliedAt == 0 ? -1 : repliedAt - openedAt,
                    Duration.ofNanos(System.nanoTime() - openedAt), end));
        }
        ctx.fireChannelInactive();
    }

    /** Ends the connection at shutdown, after the grace period; the log says why. */
    void shutdown(ChannelHandlerContext ctx) {
        if (!closing || waiting) {
            end = "shutdown";
            closing = true;
            waiting = false;
        }
        ctx.close();
    }
}

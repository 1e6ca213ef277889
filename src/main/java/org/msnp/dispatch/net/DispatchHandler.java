package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.admission.Gate;
import org.msnp.dispatch.conversation.Conversation;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;

/**
 * The TCP side of a {@link Conversation}: hands it what the socket reads, writes its replies (the
 * replies to one read are flushed together) and runs its deadline on one timer, re-armed for the
 * time left rather than on every read.
 *
 * <p>When the conversation ends after a reply, the closing is left to the client for up to the
 * close-wait: a client that pipelined VER, CVR and USR may look for the end of the stream before it
 * reads what it already has, and throw the XFR away when the FIN comes with it (clients.md point
 * 8). Only when the wait runs out (or at once, with no wait configured or nothing sent) is the
 * output shut down (FIN). Input is read and dropped throughout, and for the linger time after the
 * FIN: closing a socket with unread input makes the kernel reset the connection, which could
 * destroy the reply in flight (dispatch-server.md §8).
 */
final class DispatchHandler extends ChannelInboundHandlerAdapter implements Conversation.Output {
    private final Snapshot snapshot;
    private final Gate gate;
    private final ConnectionObserver observer;

    private Conversation conversation;
    private ChannelHandlerContext ctx;
    private boolean pendingFlush;
    /** The last reply written; the closing waits for it to be on its way. */
    private io.netty.channel.ChannelFuture lastWrite;
    /** Set once the conversation has ended and the socket is on its way out. */
    private boolean closing;
    /** Waiting for the client to close after the closing reply. */
    private boolean waiting;
    private ScheduledFuture<?> timer;

    DispatchHandler(Snapshot snapshot, Gate gate, ConnectionObserver observer) {
        this.snapshot = snapshot;
        this.gate = gate;
        this.observer = observer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        conversation = new Conversation(snapshot, current(ctx), TransportKind.TCP,
                gate != null ? gate.client(ctx.channel()) : ctx.channel().remoteAddress(), System.nanoTime());
        observer.opened(TransportKind.TCP);
        arm(snapshot.settings().firstCheck().toNanos());
        ctx.fireChannelActive();
    }

    /** The address named in MSNP7–12 XFR as this server: configured, or the one the client reached. */
    private HostPort current(ChannelHandlerContext ctx) {
        if (snapshot.publicAddress().isPresent()) {
            return snapshot.publicAddress().get();
        }
        return HostPort.of(gate != null ? gate.reached(ctx.channel())
                : (java.net.InetSocketAddress) ctx.channel().localAddress());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (!closing && conversation.feed(in, System.nanoTime(), this)) {
                finish();
            }
        } finally {
            in.release();
        }
    }

    @Override
    public void reply(Reply reply) {
        lastWrite = ctx.write(ReplyBytes.encode(ctx.alloc(), reply));
        pendingFlush = true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushPending();
        ctx.fireChannelReadComplete();
    }

    private void flushPending() {
        if (pendingFlush) {
            pendingFlush = false;
            ctx.flush();
        }
    }

    /**
     * The conversation has ended: flush what it produced (also before an over-long line or a
     * timeout), then wait for the client or close.
     */
    private void finish() {
        if (closing) {
            return;
        }
        closing = true;
        cancelTimer();
        boolean wait = conversation.waitsForClient();
        flushPending();
        io.netty.channel.ChannelFuture written = lastWrite != null ? lastWrite : ctx.newSucceededFuture();
        lastWrite = null;
        written.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                f.channel().close();
                return;
            }
            if (wait) {
                waiting = true;
                // cancelled in channelInactive, when the client closes first (the usual case)
                timer = ctx.executor().schedule(() -> {
                    waiting = false;
                    conversation.endAfterReply(EndReason.CLOSE_WAIT);
                    shutdownOutput();
                }, conversation.settings().closeWait().toNanos(), TimeUnit.NANOSECONDS);
            } else {
                shutdownOutput();
            }
        });
    }

    /** FIN, then input drained until the client closes or the linger time passes. */
    private void shutdownOutput() {
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
        timer = ctx.executor().schedule(() -> ctx.channel().close(), conversation.settings().closeLinger().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void arm(long nanos) {
        timer = ctx.executor().schedule(this::checkDeadline, nanos, TimeUnit.NANOSECONDS);
    }

    private void checkDeadline() {
        if (closing) {
            return;
        }
        long now = System.nanoTime();
        if (conversation.checkDeadline(now)) {
            // nothing is pending at a deadline: replies are flushed at the end of each read
            closing = true;
            ctx.close();
            return;
        }
        arm(conversation.nanosToDeadline(now));
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
            return;
        }
        if (!closing && conversation != null) {
            conversation.end(EndReason.ERROR);
        }
        closing = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        if (conversation != null) {
            if (waiting) {
                // the client closed within the close-wait, as the clients that follow an XFR do
                conversation.endAfterReply(EndReason.CLIENT_CLOSED);
            }
            observer.finished(conversation.record(System.nanoTime()));
        }
        ctx.fireChannelInactive();
    }

    /** Ends the connection at shutdown, after the grace period; the log says why. */
    void shutdown() {
        if (ctx == null) {
            return;
        }
        if (conversation != null && (!closing || waiting)) {
            if (waiting) {
                conversation.endAfterReply(EndReason.SHUTDOWN);
            } else {
                conversation.end(EndReason.SHUTDOWN);
            }
            waiting = false;
            closing = true;
        }
        ctx.close();
    }
}

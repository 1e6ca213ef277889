package org.msnp.dispatch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Plays one {@link Handshake} on a fresh connection: sends a request, checks the reply byte by
 * byte (exact mode) or line by line against its shape (foreign targets), sends the next request,
 * and after the last reply closes its side, as a client that follows the XFR does, and waits for
 * the server to close (a dispatch server may wait for the client: clients.md point 8). Anything else is a failed handshake: a
 * wrong or missing reply, data after the last reply, a close before it, a reset, or no progress
 * within the timeout.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final int MAX_LINE = 2048;

    private final Run run;
    private final Handshake script;
    private final int scriptIndex;
    private final boolean exact;
    private final long start;
    private final long timeoutNanos;
    private final Runnable onEnd;

    private int step;
    private int pos;
    private long repliedAt;
    private boolean replied;
    private boolean ended;
    private byte[] line;
    private ScheduledFuture<?> timer;

    /**
     * @param start the time latency is counted from: the connect call, or the time it was due
     * @param onEnd called once, when the handshake has succeeded or failed
     */
    HandshakeHandler(Run run, Handshake script, int scriptIndex, boolean exact, long start, long timeoutNanos,
                     Runnable onEnd) {
        this.run = run;
        this.script = script;
        this.scriptIndex = scriptIndex;
        this.exact = exact;
        this.start = start;
        this.timeoutNanos = timeoutNanos;
        this.onEnd = onEnd;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> fail(ctx, "timeout",
                script.name() + ": no complete reply " + (step + 1) + " of " + script.steps() + " or no close"),
                timeoutNanos, TimeUnit.NANOSECONDS);
        send(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(script.exchanges().get(step).request()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (!ended) {
                if (exact) {
                    readExact(ctx, in);
                } else {
                    readShape(ctx, in);
                }
            }
        } finally {
            in.release();
        }
    }

    private void readExact(ChannelHandlerContext ctx, ByteBuf in) {
        for (int i = in.readerIndex(), end = in.writerIndex(); i < end; i++) {
            if (replied) {
                fail(ctx, "extra-data", script.name() + ": data after the last reply: '" + rest(in, i) + "'");
                return;
            }
            byte[] expected = script.exchanges().get(step).reply();
            byte b = in.getByte(i);
            if (b != expected[pos]) {
                String got = Handshake.text(expected).substring(0, pos) + rest(in, i);
                fail(ctx, "wrong-reply", script.name() + " reply " + (step + 1) + ": expected '"
                        + Handshake.text(expected).trim() + "', got '" + got + "'");
                return;
            }
            if (++pos == expected.length) {
                pos = 0;
                stepDone(ctx);
            }
        }
    }

    private void readShape(ChannelHandlerContext ctx, ByteBuf in) {
        if (line == null) {
            line = new byte[MAX_LINE];
        }
        for (int i = in.readerIndex(), end = in.writerIndex(); i < end; i++) {
            if (replied) {
                fail(ctx, "extra-data", script.name() + ": data after the last reply: '" + rest(in, i) + "'");
                return;
            }
            byte b = in.getByte(i);
            if (pos == MAX_LINE) {
                fail(ctx, "wrong-reply", script.name() + " reply " + (step + 1) + ": longer than " + MAX_LINE + " bytes");
                return;
            }
            line[pos++] = b;
            if (b == '\n') {
                byte[] shape = script.exchanges().get(step).shape();
                if (!hasShape(line, pos, shape)) {
                    fail(ctx, "wrong-reply", script.name() + " reply " + (step + 1) + ": expected '"
                            + Handshake.text(shape) + "…', got '" + new String(line, 0, pos,
                            java.nio.charset.StandardCharsets.ISO_8859_1).trim() + "'");
                    return;
                }
                pos = 0;
                stepDone(ctx);
            }
        }
    }

    static boolean hasShape(byte[] line, int len, byte[] shape) {
        if (len < shape.length + 2 || line[len - 2] != '\r') {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (line[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    private void stepDone(ChannelHandlerContext ctx) {
        step++;
        if (step == script.steps()) {
            replied = true;
            repliedAt = System.nanoTime();
            if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel duplex) {
                duplex.shutdownOutput();
            }
        } else {
            send(ctx);
        }
    }

    private static String rest(ByteBuf in, int from) {
        int end = Math.min(in.writerIndex(), from + 200);
        int lf = in.indexOf(from, end, (byte) '\n');
        return in.toString(from, (lf >= 0 ? lf : end) - from, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
            if (replied) {
                ended = true;
                cancelTimer();
                run.succeeded(scriptIndex, start, repliedAt, System.nanoTime());
                onEnd.run();
            } else {
                fail(ctx, "closed-early", script.name() + ": connection closed after " + step + " of "
                        + script.steps() + " replies");
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, "io-error", script.name() + ": " + cause);
    }

    /** The connection could not be made at all. */
    void connectFailed(Throwable cause) {
        if (!ended) {
            ended = true;
            run.failed("connect", String.valueOf(cause), System.nanoTime());
            onEnd.run();
        }
    }

    private void fail(ChannelHandlerContext ctx, String kind, String example) {
        if (ended) {
            return;
        }
        ended = true;
        cancelTimer();
        run.failed(kind, example, System.nanoTime());
        onEnd.run();
        ctx.close();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}

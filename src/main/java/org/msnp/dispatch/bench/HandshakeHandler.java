package org.msnp.dispatch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Plays one {@link Handshake} on a fresh connection: sends a request, checks the reply byte by
 * byte (exact mode) or line by line against its shape (foreign targets), sends the next request,
 * and after the last reply does what its {@link Ending} says: closes its side and waits for the
 * server to close, as a client that follows the XFR does (a dispatch server may wait for the
 * client: clients.md point 8); or only waits; or, against a server that is also the Notification
 * Server, takes the server's authentication step ({@code USR t TWN S …}, a {@code GCF} block and
 * {@code USR t SSO S …}) as the end and closes. Anything else is a failed handshake: a wrong or
 * missing reply, data after the last reply, a close before it, a reset, or no progress within the
 * timeout.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final int MAX_LINE = 2048;
    private static final int MAX_PAYLOAD = 1 << 20;

    private final Run run;
    private final Handshake script;
    private final int scriptIndex;
    private final boolean exact;
    private final Ending ending;
    private final boolean lastIsUsr;
    private final long start;
    private final long timeoutNanos;
    private final Runnable onEnd;
    private final boolean proxyHeader;

    private int step;
    private int pos;
    private int skip;
    private long repliedAt;
    private boolean replied;
    private boolean ended;
    private byte[] line;
    private ScheduledFuture<?> timer;

    /**
     * @param start the time latency is counted from: the connect call, or the time it was due
     * @param onEnd called once, when the handshake has succeeded or failed
     * @param proxyHeader the first request goes after a PROXY v1 header naming this connection
     */
    HandshakeHandler(Run run, Handshake script, int scriptIndex, boolean exact, Ending ending, long start,
                     long timeoutNanos, Runnable onEnd, boolean proxyHeader) {
        this.run = run;
        this.script = script;
        this.scriptIndex = scriptIndex;
        this.exact = exact;
        this.ending = ending;
        this.lastIsUsr = Handshake.text(script.exchanges().get(script.steps() - 1).request()).startsWith("USR ");
        this.start = start;
        this.timeoutNanos = timeoutNanos;
        this.onEnd = onEnd;
        this.proxyHeader = proxyHeader;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> fail(ctx, "timeout",
                script.name() + ": no complete reply " + (step + 1) + " of " + script.steps() + " or no close"),
                timeoutNanos, TimeUnit.NANOSECONDS);
        send(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
        byte[] request = script.exchanges().get(step).request();
        ctx.writeAndFlush(step == 0 ? ProxyHeader.before(ctx.channel(), proxyHeader, request) : Unpooled.wrappedBuffer(request));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (!ended) {
                read(ctx, in);
            }
        } finally {
            in.release();
        }
    }

    private void read(ChannelHandlerContext ctx, ByteBuf in) {
        for (int i = in.readerIndex(), end = in.writerIndex(); i < end; i++) {
            if (replied) {
                if (ending == Ending.DS_NS) {
                    return;     // a Notification Server may go on talking; the client is closing
                }
                fail(ctx, "extra-data", script.name() + ": data after the last reply: '" + rest(in, i) + "'");
                return;
            }
            if (skip > 0) {
                int n = Math.min(skip, end - i);
                skip -= n;
                i += n - 1;
                continue;
            }
            byte b = in.getByte(i);
            if (!exact || authenticationStep()) {
                if (pos == MAX_LINE) {
                    fail(ctx, "wrong-reply", script.name() + " reply " + (step + 1) + ": longer than " + MAX_LINE + " bytes");
                    return;
                }
                if (line == null) {
                    line = new byte[MAX_LINE];
                }
                line[pos++] = b;
                if (b == '\n' && !lineDone(ctx)) {
                    return;
                }
                continue;
            }
            byte[] expected = script.exchanges().get(step).reply();
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

    /** The reply to the last USR of a server that is also the Notification Server. */
    private boolean authenticationStep() {
        return ending == Ending.DS_NS && lastIsUsr && step == script.steps() - 1;
    }

    /** Checks a complete line; false when the handshake has failed. */
    private boolean lineDone(ChannelHandlerContext ctx) {
        int len = pos;
        pos = 0;
        if (authenticationStep()) {
            String text = new String(line, 0, len, StandardCharsets.ISO_8859_1);
            String[] t = text.trim().split(" ");
            if (t[0].equals("GCF") && t.length >= 3 && text.endsWith("\r\n")) {
                try {
                    skip = Integer.parseInt(t[t.length - 1]);
                } catch (NumberFormatException e) {
                    skip = -1;
                }
                if (skip >= 0 && skip <= MAX_PAYLOAD) {
                    return true;
                }
            } else if (isAuthenticationReply(t) && text.endsWith("\r\n")) {
                stepDone(ctx);
                return true;
            }
            fail(ctx, "wrong-reply", script.name() + " reply " + (step + 1) + ": expected 'USR " + trId()
                    + " … S …' or a GCF block, got '" + text.trim() + "'");
            return false;
        }
        byte[] shape = script.exchanges().get(step).shape();
        if (!hasShape(line, len, shape)) {
            fail(ctx, "wrong-reply", script.name() + " reply " + (step + 1) + ": expected '"
                    + Handshake.text(shape) + "…', got '" + new String(line, 0, len, StandardCharsets.ISO_8859_1).trim() + "'");
            return false;
        }
        stepDone(ctx);
        return true;
    }

    /** {@code USR t TWN S …}, {@code USR t SSO S …} or {@code USR t MD5 S …}, with the TrID of our USR. */
    private boolean isAuthenticationReply(String[] t) {
        return t.length >= 5 && t[0].equals("USR") && t[1].equals(trId()) && t[3].equals("S");
    }

    private String trId() {
        return Handshake.text(script.exchanges().get(step).request()).split(" ")[1];
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
        if (step < script.steps()) {
            send(ctx);
            return;
        }
        replied = true;
        repliedAt = System.nanoTime();
        switch (ending) {
            case FOLLOW -> {
                if (ctx.channel() instanceof DuplexChannel duplex) {
                    duplex.shutdownOutput();
                }
            }
            case DS_NS -> ctx.close();
            case STAY -> {
                // wait for the server
            }
        }
    }

    private static String rest(ByteBuf in, int from) {
        int end = Math.min(in.writerIndex(), from + 200);
        int lf = in.indexOf(from, end, (byte) '\n');
        return in.toString(from, (lf >= 0 ? lf : end) - from, StandardCharsets.ISO_8859_1).trim();
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
        if (replied && ending == Ending.DS_NS) {
            return;     // the client is closing anyway; the close decides
        }
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

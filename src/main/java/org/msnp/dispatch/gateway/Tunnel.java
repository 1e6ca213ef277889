package org.msnp.dispatch.gateway;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.msnp.dispatch.net.ConnectionRecord;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.Step;

/**
 * One gateway session: a {@link DispatchSession} reached through HTTP requests instead of a
 * socket. Request bodies are framed exactly as the TCP listener frames its stream (LF ends a line,
 * one CR before it is dropped, a partial line waits for the next body, a line longer than the
 * limit ends the session); the response carries the replies to the lines of its own request. The
 * login and idle timers of the TCP listener apply to complete lines, as there; polls do not count.
 *
 * <p>Requests for one tunnel may arrive on different HTTP connections, so every entry point
 * holds the tunnel's lock: the session is fed by one thread at a time.
 */
final class Tunnel {

    /** What a request gets. */
    sealed interface Exchange {
    }

    /** 200: the body, the SessionID for the next request, and whether the session has ended. */
    record Answer(String sessionId, byte[] body, boolean close) implements Exchange {
    }

    /** 400: not the current SessionID (stale, replayed, guessed), or the tunnel is gone. */
    record Refused() implements Exchange {
    }

    /** 400, and the registry drops the tunnel: no request for longer than the idle limit. */
    record Expired() implements Exchange {
    }

    private final int id;
    private final InetSocketAddress peer;
    private final DispatchSession session;
    private final GatewaySettings settings;
    private final SessionIds ids;
    private final long openedAt;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    private String secret;
    private long lastRequest;
    private long lastLine;
    private boolean closed;
    private boolean gone;
    /** When the last reply was produced; 0 while none was. */
    private long repliedAt;
    private String end = "client-closed";

    Tunnel(int id, InetSocketAddress peer, DispatchSession session, GatewaySettings settings, SessionIds ids, long now) {
        this.id = id;
        this.peer = peer;
        this.session = session;
        this.settings = settings;
        this.ids = ids;
        this.openedAt = now;
        this.lastRequest = now;
        this.lastLine = now;
        this.secret = ids.newSecret();
    }

    int id() {
        return id;
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** The open request: its body is the first input. */
    synchronized Exchange open(ByteBuf body, long now) {
        return answer(body, now);
    }

    /** A send or a poll presenting {@code presented} as the secret part of its SessionID. */
    synchronized Exchange next(String presented, ByteBuf body, long now) {
        if (gone || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII))) {
            return new Refused();
        }
        if (now - lastRequest > settings.sessionIdle().toNanos()) {
            return new Expired();
        }
        return answer(body, now);
    }

    private Exchange answer(ByteBuf body, long now) {
        lastRequest = now;
        checkTimers(now);
        StringBuilder out = new StringBuilder();
        if (!closed) {
            feed(body, now, out);
        }
        secret = ids.newSecret();
        return new Answer(SessionIds.format(id, secret), out.toString().getBytes(StandardCharsets.ISO_8859_1), closed);
    }

    private void feed(ByteBuf body, long now, StringBuilder out) {
        int max = settings.maxLineLength();
        for (int i = body.readerIndex(), n = body.writerIndex(); i < n && !closed; i++) {
            byte b = body.getByte(i);
            if (b != '\n') {
                partial.write(b);
                // As LineBasedFrameDecoder(max, strip, failFast) on TCP: the CR of a CR LF is not counted.
                if (partial.size() > max && !(partial.size() == max + 1 && b == '\r')) {
                    closeSession("line-too-long");
                }
                continue;
            }
            byte[] raw = partial.toByteArray();
            partial.reset();
            int len = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            lastLine = now;
            Step step = session.handle(Command.parse(new String(raw, 0, len, StandardCharsets.ISO_8859_1)));
            for (Reply r : step.replies()) {
                out.append(r.line()).append("\r\n");
                repliedAt = now;
            }
            if (step.close()) {
                closeSession("server-closed");
            }
        }
    }

    /** The TCP listener's login and idle timers, measured from the last complete line. */
    private void checkTimers(long now) {
        if (closed) {
            return;
        }
        Duration limit = session.isPastVer() ? settings.idleTimeout() : settings.loginTimeout();
        if (now - lastLine > limit.toNanos()) {
            closeSession("idle-timeout");
        }
    }

    private void closeSession(String why) {
        closed = true;
        end = why;
        partial.reset();
    }

    /**
     * The sweeper's look at an idle tunnel: runs the session timers, and says whether the tunnel
     * has gone without a request for longer than the idle limit.
     */
    synchronized boolean isClosed() {
        return closed;
    }

    synchronized boolean expired(long now) {
        checkTimers(now);
        return now - lastRequest > settings.sessionIdle().toNanos();
    }

    /**
     * Ends the tunnel for good and describes it for the log and metrics. {@code why} applies when
     * the session was still running; a session that had already ended keeps its own reason.
     */
    synchronized ConnectionRecord finish(String why, long now) {
        gone = true;
        if (!closed) {
            closeSession(why);
        }
        return new ConnectionRecord(peer, "http", session.summary(), repliedAt == 0 ? -1 : repliedAt - openedAt,
                Duration.ofNanos(now - openedAt), end);
    }
}

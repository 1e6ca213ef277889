package org.msnp.dispatch.gateway;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.msnp.dispatch.conversation.Conversation;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.EndReason;

/**
 * One gateway session: a {@link Conversation} reached through HTTP requests instead of a socket.
 * Request bodies go to the conversation as a TCP stream would (it frames them, keeps the
 * deadlines and ends on an over-long line); the response carries the replies to the lines of its
 * own request. What is left to the tunnel: the SessionID secret, replaced on every response, and
 * the session's own expiry when no request comes.
 *
 * <p>Requests for one tunnel may arrive on different HTTP connections, so every entry point
 * holds the tunnel's lock: the conversation is fed by one thread at a time.
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
    private final java.net.InetSocketAddress peer;
    private final Conversation conversation;
    private final GatewaySettings settings;
    private final SessionIds ids;

    private String secret;
    private long lastRequest;
    private boolean gone;

    Tunnel(int id, java.net.InetSocketAddress peer, Conversation conversation, GatewaySettings settings, SessionIds ids, long now) {
        this.id = id;
        this.peer = peer;
        this.conversation = conversation;
        this.settings = settings;
        this.ids = ids;
        this.lastRequest = now;
        this.secret = ids.newSecret();
    }

    int id() {
        return id;
    }

    java.net.InetSocketAddress peer() {
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
        conversation.checkDeadline(now);
        StringBuilder out = new StringBuilder();
        conversation.feed(body, now, r -> r.appendTo(out).append("\r\n"));
        secret = ids.newSecret();
        return new Answer(SessionIds.format(id, secret), out.toString().getBytes(StandardCharsets.ISO_8859_1),
                conversation.isEnded());
    }

    /** Whether the conversation has ended (the tunnel may still await its last poll). */
    synchronized boolean isEnded() {
        return conversation.isEnded();
    }

    /**
     * The sweeper's look at a tunnel: runs the conversation's deadline, and says whether the
     * tunnel has gone without a request for longer than the session idle limit.
     */
    synchronized boolean expired(long now) {
        conversation.checkDeadline(now);
        return now - lastRequest > settings.sessionIdle().toNanos();
    }

    /**
     * Ends the tunnel for good and describes it. {@code why} applies when the conversation was
     * still running; one that had already ended keeps its own reason.
     */
    synchronized ConnectionRecord finish(EndReason why, long now) {
        gone = true;
        conversation.end(why);
        return conversation.record(now);
    }
}

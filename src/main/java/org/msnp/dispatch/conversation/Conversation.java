package org.msnp.dispatch.conversation;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.protocol.TokenCache;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.Step;

/**
 * One client's conversation with the server, whatever carries it: the bytes a client sends are
 * framed into lines here (LF ends a line, one CR before it is dropped, a bare CR does not end
 * one: dispatch-server.md §2; a line longer than the limit ends the conversation), fed to its
 * {@link DispatchSession}, and the replies handed to the transport's {@link Output}. It keeps the
 * login and idle deadlines (both count complete lines, so a byte-trickler is closed), why the
 * conversation ended, when the last reply went out, and makes the one {@link ConnectionRecord}
 * every consumer sees. The TCP handler and the gateway tunnel only move bytes and timers.
 *
 * <p>Not thread-safe: a transport feeds one conversation from one thread at a time.
 */
public final class Conversation {

    /** Where the replies go: the transport encodes and sends them. */
    @FunctionalInterface
    public interface Output {
        void reply(Reply reply);
    }

    /** Each thread's words of recent lines (an event loop feeds many conversations, one at a time). */
    private static final FastThreadLocal<TokenCache> WORDS = new FastThreadLocal<>() {
        @Override
        protected TokenCache initialValue() {
            return new TokenCache();
        }
    };

    private final DispatchSession session;
    private final TransportKind transport;
    private final SocketAddress peer;
    private final ConversationSettings settings;
    private final long openedAt;
    private long lastLine;
    /** When the last reply was handed out; -1 while none was. */
    private long repliedAt = -1;
    private EndReason end;
    /** An incomplete line carried to the next input. */
    private byte[] partial;
    private int partialLength;

    public Conversation(Snapshot snapshot, org.msnp.dispatch.protocol.HostPort current, TransportKind transport,
                        SocketAddress peer, long now) {
        this.session = new DispatchSession(snapshot.context(), current);
        this.transport = transport;
        this.peer = peer;
        this.settings = snapshot.settings();
        this.openedAt = now;
        this.lastLine = now;
    }

    public ConversationSettings settings() {
        return settings;
    }

    /** True once the conversation has ended, for whatever reason; input after that is dropped. */
    public boolean isEnded() {
        return end != null;
    }

    /** Why it ended; empty while it runs. */
    public java.util.Optional<EndReason> end() {
        return java.util.Optional.ofNullable(end);
    }

    public boolean hasReplied() {
        return repliedAt >= 0;
    }

    /**
     * Whether the transport should leave the closing to the client: the session ended the
     * conversation after sending something, and a close-wait is configured (clients.md point 8).
     */
    public boolean waitsForClient() {
        return end == EndReason.SERVER_CLOSED && hasReplied() && !settings.closeWait().isZero();
    }

    /**
     * Frames {@code in} (all of it is consumed) into lines and answers each; returns
     * {@link #isEnded()}. Replies already produced are handed out before an over-long line ends
     * the conversation, so the transport sends them before it closes.
     */
    public boolean feed(ByteBuf in, long now, Output out) {
        while (end == null && in.isReadable()) {
            int from = in.readerIndex();
            int lf = in.forEachByte(from, in.readableBytes(), ByteProcessor.FIND_LF);
            if (lf < 0) {
                int buffered = partialLength + in.readableBytes();
                // as Netty's LineBasedFrameDecoder(max, strip, failFast): the CR of a CR LF does not count
                if (buffered > settings.maxLineLength() + 1
                        || buffered == settings.maxLineLength() + 1 && in.getByte(in.writerIndex() - 1) != '\r') {
                    end = EndReason.LINE_TOO_LONG;
                    break;
                }
                append(in, from, in.readableBytes());
                in.readerIndex(in.writerIndex());
                break;
            }
            int length = partialLength + lf - from;
            boolean cr = length > 0 && (lf > from ? in.getByte(lf - 1) == '\r' : partial[partialLength - 1] == '\r');
            int content = cr ? length - 1 : length;
            in.readerIndex(lf + 1);
            if (content > settings.maxLineLength()) {
                end = EndReason.LINE_TOO_LONG;
                break;
            }
            TokenCache words = WORDS.get();
            byte[] line;
            if (partialLength == 0) {
                line = words.lineBuffer(content);
                in.getBytes(from, line, 0, content);
            } else {
                append(in, from, lf - from);
                line = partial;
                partialLength = 0;
            }
            lastLine = now;
            Step step = session.handle(Command.parse(line, content, words));
            List<Reply> replies = step.replies();
            // indexed: no iterator per line
            for (int i = 0; i < replies.size(); i++) {
                out.reply(replies.get(i));
                repliedAt = now;
            }
            if (step.close()) {
                end = EndReason.SERVER_CLOSED;
            }
        }
        if (end != null) {
            in.readerIndex(in.writerIndex());
            partial = null;
            partialLength = 0;
        }
        return end != null;
    }

    private void append(ByteBuf in, int from, int length) {
        if (partial == null || partial.length < partialLength + length) {
            byte[] bigger = new byte[Math.max(64, Math.max(partialLength + length, partial == null ? 0 : partial.length * 2))];
            if (partial != null) {
                System.arraycopy(partial, 0, bigger, 0, partialLength);
            }
            partial = bigger;
        }
        in.getBytes(from, partial, partialLength, length);
        partialLength += length;
    }

    /** Nanoseconds left before the login (before VER) or idle deadline, from the last complete line. */
    public long nanosToDeadline(long now) {
        Duration limit = session.isPastVer() ? settings.idleTimeout() : settings.loginTimeout();
        return limit.toNanos() - (now - lastLine);
    }

    /** Ends the conversation when its deadline has passed; returns {@link #isEnded()}. */
    public boolean checkDeadline(long now) {
        if (end == null && nanosToDeadline(now) <= 0) {
            end = session.isPastVer() ? EndReason.IDLE_TIMEOUT : EndReason.LOGIN_TIMEOUT;
        }
        return end != null;
    }

    /** Ends it for {@code why} unless it has ended already. */
    public void end(EndReason why) {
        if (end == null) {
            end = why;
        }
    }

    /**
     * After the closing reply, the connection ended another way than the session said: the
     * client closed in the close-wait, the wait ran out, or the server shut down.
     */
    public void endAfterReply(EndReason why) {
        end = why;
    }

    /** The record of this conversation, ended now; a conversation still running ended because the client left. */
    public ConnectionRecord record(long now) {
        return new ConnectionRecord(peer, transport, session.summary(), repliedAt < 0 ? -1 : repliedAt - openedAt,
                Duration.ofNanos(now - openedAt), end != null ? end : EndReason.CLIENT_CLOSED);
    }

    /** Whether VER has been answered (for adapters that choose the first timer). */
    public boolean isPastVer() {
        return session.isPastVer();
    }
}

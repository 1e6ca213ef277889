package org.msnp.dispatch.conformance;

import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.msnp.dispatch.conversation.Conversation;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.HostPort;

/**
 * A conversation without sockets: bytes go to the same {@link Conversation} both transports use
 * (its framing, its session), replies are queued, and the conversation ending reads as EOF.
 */
final class InProcessPeer implements Peer {
    private final Conversation conversation;
    private final Deque<String> replies = new ArrayDeque<>();

    InProcessPeer(Snapshot snapshot, HostPort current) {
        this.conversation = new Conversation(snapshot, current, TransportKind.TCP, null, System.nanoTime());
    }

    @Override
    public void send(byte[] bytes) {
        conversation.feed(Unpooled.wrappedBuffer(bytes), System.nanoTime(), r -> replies.add(r.line()));
    }

    @Override
    public Read read(Duration timeout) {
        if (!replies.isEmpty()) {
            return new Line(replies.poll(), true);
        }
        return conversation.isEnded() ? new Eof() : new Nothing();
    }

    @Override
    public void close() {
        conversation.end(org.msnp.dispatch.observe.EndReason.CLIENT_CLOSED);
    }
}

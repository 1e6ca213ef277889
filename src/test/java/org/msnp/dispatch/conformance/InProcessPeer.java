package org.msnp.dispatch.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.session.DispatchContext;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.Step;

/**
 * A session core without sockets. Bytes are framed as the TCP listener frames them (LF ends a
 * line, one CR before it is dropped); replies are queued; the session closing reads as EOF.
 */
final class InProcessPeer implements Peer {
    private final DispatchSession session;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final Deque<String> replies = new ArrayDeque<>();
    private boolean closed;

    InProcessPeer(DispatchContext context, HostPort current) {
        this.session = new DispatchSession(context, current);
    }

    @Override
    public void send(byte[] bytes) {
        for (byte b : bytes) {
            if (b != '\n') {
                partial.write(b);
                continue;
            }
            byte[] raw = partial.toByteArray();
            partial.reset();
            int len = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            if (closed) {
                continue;
            }
            Step step = session.handle(Command.parse(new String(raw, 0, len, StandardCharsets.ISO_8859_1)));
            for (Reply r : step.replies()) {
                replies.add(r.line());
            }
            closed |= step.close();
        }
    }

    @Override
    public Read read(Duration timeout) {
        if (!replies.isEmpty()) {
            return new Line(replies.poll(), true);
        }
        return closed ? new Eof() : new Nothing();
    }

    @Override
    public void close() {
        closed = true;
    }

    DispatchSession session() {
        return session;
    }
}

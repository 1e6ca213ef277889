package org.msnp.dispatch.session;

import java.util.List;
import org.msnp.dispatch.protocol.Reply;

/**
 * What the session answers one command: at most one line, and whether the connection ends after
 * it has been flushed. Once a step has closed, nothing further is answered.
 */
public record Step(List<Reply> replies, boolean close) {
    static final Step SILENT_CLOSE = new Step(List.of(), true);

    static Step reply(Reply r) {
        return new Step(List.of(r), false);
    }

    static Step replyAndClose(Reply r) {
        return new Step(List.of(r), true);
    }
}

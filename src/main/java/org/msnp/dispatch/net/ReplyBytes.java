package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.msnp.dispatch.protocol.Reply;

/** A reply as it goes on the wire: the line in ISO-8859-1, then CR LF. */
public final class ReplyBytes {
    private ReplyBytes() {
    }

    public static ByteBuf encode(ByteBufAllocator alloc, Reply r) {
        String line = r.line();
        ByteBuf out = alloc.buffer(line.length() + 2);
        out.writeCharSequence(line, StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
        return out;
    }
}

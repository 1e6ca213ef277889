package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import org.msnp.dispatch.protocol.Reply;

/** A reply as it goes on the wire: the line in ISO-8859-1, then CR LF. */
public final class ReplyBytes {
    /** Each thread's builder a reply's text is put together in (no string per reply). */
    private static final FastThreadLocal<StringBuilder> TEXT = new FastThreadLocal<>() {
        @Override
        protected StringBuilder initialValue() {
            return new StringBuilder(256);
        }
    };

    private ReplyBytes() {
    }

    public static ByteBuf encode(ByteBufAllocator alloc, Reply r) {
        StringBuilder line = TEXT.get();
        line.setLength(0);
        r.appendTo(line);
        ByteBuf out = alloc.buffer(line.length() + 2);
        out.writeCharSequence(line, StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
        return out;
    }
}

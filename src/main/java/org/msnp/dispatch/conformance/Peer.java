package org.msnp.dispatch.conformance;

import java.io.IOException;
import java.time.Duration;

/** The far end of a transcript: a dispatch server reached some way (socket, in-process, HTTP). */
public interface Peer extends AutoCloseable {

    void send(byte[] bytes) throws IOException;

    /** The next server line, end of stream, or nothing within {@code timeout}. */
    Read read(Duration timeout) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * Closes the client's sending side (a TCP FIN) and keeps reading: what a client does when it is
     * done with a conversation the server waits for it to end (clients.md point 8). Peers without
     * such a thing do nothing.
     */
    default void closeOutput() throws IOException {
    }

    sealed interface Read permits Line, Eof, Nothing {
    }

    /** A line; {@code crlf} false when it ended in a bare LF (a conformance failure). */
    record Line(String text, boolean crlf) implements Read {
    }

    record Eof() implements Read {
    }

    record Nothing() implements Read {
    }
}

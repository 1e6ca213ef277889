package org.msnp.dispatch.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.msnp.dispatch.conformance.Peer;

/**
 * A dispatch server reached through its HTTP gateway, as a gateway client reaches it: the first
 * send opens the tunnel ({@code Action=open&Server=NS}), later sends go to the host GW-IP names
 * with the latest SessionID, reads poll. {@code Session=close} reads as the end of the stream.
 */
public final class GatewayPeer implements Peer {
    private static final long POLL_EVERY_MILLIS = 25;

    private GatewayClient client;
    private String sessionId;
    private boolean closed;
    private final Deque<Line> lines = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    /** @param client where the tunnel is opened; one client (one HTTP connection pool) serves many peers */
    public GatewayPeer(GatewayClient client) {
        this.client = client;
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        if (closed) {
            // A gateway client stops using a tunnel once told Session=close; what it would have
            // sent goes nowhere, as bytes sent after the server's FIN do on TCP.
            return;
        }
        take(sessionId == null
                ? client.post("Action=open&Server=NS&IP=messenger.hotmail.com", bytes)
                : client.post("SessionID=" + sessionId, bytes));
    }

    @Override
    public Read read(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!lines.isEmpty()) {
                return lines.poll();
            }
            if (closed) {
                return new Eof();
            }
            if (sessionId != null) {
                take(client.poll(sessionId));
                if (!lines.isEmpty() || closed) {
                    continue;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Nothing();
            }
            try {
                Thread.sleep(Math.min(POLL_EVERY_MILLIS, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private void take(GatewayClient.Response r) throws IOException {
        if (r.status() != 200) {
            throw new IOException("gateway answered HTTP " + r.status() + ": " + r.body().trim());
        }
        if (!GatewayHandler.CONTENT_TYPE.equals(r.contentType())) {
            throw new IOException("gateway answered Content-Type " + r.contentType());
        }
        String id = r.sessionId();
        String gwIp = r.messenger().get("GW-IP");
        if (id == null || gwIp == null) {
            throw new IOException("X-MSN-Messenger lacks SessionID or GW-IP: " + r.messenger());
        }
        sessionId = id;
        client = client.at(gwIp);
        for (byte b : r.body().getBytes(StandardCharsets.ISO_8859_1)) {
            if (b != '\n') {
                partial.write(b);
                continue;
            }
            byte[] raw = partial.toByteArray();
            partial.reset();
            boolean crlf = raw.length > 0 && raw[raw.length - 1] == '\r';
            lines.add(new Line(new String(raw, 0, crlf ? raw.length - 1 : raw.length, StandardCharsets.ISO_8859_1), crlf));
        }
        closed |= r.sessionClosed();
    }

    /** The SessionID the next request would carry. */
    String sessionId() {
        return sessionId;
    }

    @Override
    public void close() {
        // Nothing to hang up: the tunnel expires on the server once no request comes.
        closed = true;
    }
}

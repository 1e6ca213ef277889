package org.msnp.dispatch.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A dispatch server over TCP. A reset counts as the end of the stream. */
public final class SocketPeer implements Peer {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean eof;

    public SocketPeer(InetSocketAddress target, Duration connectTimeout) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, (int) connectTimeout.toMillis());
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    @Override
    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    @Override
    public Read read(Duration timeout) throws IOException {
        if (eof) {
            return new Eof();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return new Nothing();
            }
            socket.setSoTimeout((int) Math.max(1, left));
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                return new Nothing();
            } catch (SocketException e) {
                eof = true;
                return new Eof();
            }
            if (b < 0) {
                eof = true;
                return new Eof();
            }
            if (b == '\n') {
                byte[] raw = partial.toByteArray();
                partial.reset();
                boolean crlf = raw.length > 0 && raw[raw.length - 1] == '\r';
                String text = new String(raw, 0, crlf ? raw.length - 1 : raw.length, StandardCharsets.ISO_8859_1);
                return new Line(text, crlf);
            }
            partial.write(b);
        }
    }

    @Override
    public void closeOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // the server has closed already: the reads say so
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package org.msnp.dispatch.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A blocking test client: send bytes, read every line the server sends until it closes. */
final class Wire implements AutoCloseable {
    final Socket socket;

    Wire(InetSocketAddress server) throws IOException {
        this(server, null);
    }

    /** Connects from {@code source} (e.g. 127.0.0.2) when given, so per-IP limits see another client. */
    Wire(InetSocketAddress server, String source) throws IOException {
        socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        }
        socket.connect(server, 3000);
        socket.setSoTimeout(5000);
    }

    Wire send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    Wire send(byte[] bytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * Lines until the server closes (or the timeout passes: then the last element is "<open>").
     * Like a client done with the dispatch server, once replies have come and the server has
     * said nothing more for a moment, it closes its own side: the server waits for that after its
     * closing reply (clients.md point 8).
     */
    List<String> readToClose(int timeoutMillis) throws IOException {
        return read(timeoutMillis, true);
    }

    /** As {@link #readToClose}, but the client never closes its side: only the server ends it. */
    List<String> readUntilServerCloses(int timeoutMillis) throws IOException {
        return read(timeoutMillis, false);
    }

    private List<String> read(int timeoutMillis, boolean closeWhenDone) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        boolean open = false;
        boolean halfClosed = !closeWhenDone;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    open = true;
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, all.size() > 0 && !halfClosed ? Math.min(QUIET_MILLIS, left) : left));
                int b;
                try {
                    b = in.read();
                } catch (SocketTimeoutException e) {
                    if (all.size() > 0 && !halfClosed) {
                        socket.shutdownOutput();
                        halfClosed = true;
                    }
                    continue;
                }
                if (b < 0) {
                    break;
                }
                all.write(b);
            }
        } catch (SocketException e) {
            // a reset also ends the conversation
        }
        List<String> lines = new ArrayList<>();
        for (String l : all.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (!l.isEmpty()) {
                lines.add(l);
            }
        }
        if (open) {
            lines.add("<open>");
        }
        return lines;
    }

    private static final int QUIET_MILLIS = 200;

    /** One line, or null at EOF. */
    String readLine() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return null;
    }

    /**
     * The MSNP8 login of vectors.txt V053, pipelined; returns the replies. Like a client that
     * follows the XFR, it closes once the XFR (or an error) has come, then reads to the end.
     */
    static List<String> msnp8Login(InetSocketAddress server, String source) throws IOException {
        try (Wire w = new Wire(server, source)) {
            w.send("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com\r\n"
                    + "USR 3 TWN I example@hotmail.com\r\n");
            List<String> lines = new ArrayList<>();
            try {
                for (String l; lines.size() < 3 && (l = w.readLine()) != null; ) {
                    lines.add(l);
                    if (!l.startsWith("VER ") && !l.startsWith("CVR ")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                lines.add("<open>");
                return lines;
            } catch (SocketException e) {
                return lines;
            }
            w.socket.shutdownOutput();
            lines.addAll(w.readUntilServerCloses(5000));
            return lines;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

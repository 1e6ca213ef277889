package org.msnp.dispatch.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A Notification Server stand-in: accepts TCP connections and closes them; can stop and restart on its port. */
final class FakeNs implements AutoCloseable {
    private final int port;
    private volatile ServerSocket server;
    private Thread acceptor;

    FakeNs() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = s.getLocalPort();
        begin(s);
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    private void begin(ServerSocket s) {
        server = s;
        acceptor = new Thread(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().flush();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-ns-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    void stop() throws IOException {
        server.close();
    }

    void restart() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        begin(s);
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}

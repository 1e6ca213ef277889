package org.msnp.dispatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How soon a freshly started server process serves its first client: the time from starting the
 * process to the end of the first complete handshake (last reply read and the server's close seen).
 */
final class StartupProbe {
    private StartupProbe() {
    }

    /**
     * Starts {@code command} (a server that will listen on {@code target}), retries a handshake
     * every millisecond until one succeeds, and stops the process again.
     *
     * @return nanoseconds from process start to the first complete handshake
     */
    static long measure(List<String> command, InetSocketAddress target, Handshake script, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            while (System.nanoTime() - t0 < timeout.toNanos()) {
                if (!p.isAlive()) {
                    throw new IOException("server process exited with status " + p.exitValue() + ": " + command);
                }
                if (handshake(target, script)) {
                    return System.nanoTime() - t0;
                }
                Thread.sleep(1);
            }
            throw new IOException("no handshake served within " + timeout.toMillis() + " ms");
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** One blocking handshake with exact replies; false when nobody listens yet. */
    static boolean handshake(InetSocketAddress target, Handshake script) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            try {
                s.connect(target, 500);
            } catch (ConnectException e) {
                return false;
            }
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (Handshake.Exchange ex : script.exchanges()) {
                out.write(ex.request());
                out.flush();
                byte[] got = in.readNBytes(ex.reply().length);
                if (!Arrays.equals(got, ex.reply())) {
                    throw new IOException("wrong reply: expected '" + Handshake.text(ex.reply()).trim() + "', got '"
                            + Handshake.text(got).trim() + "'");
                }
            }
            s.shutdownOutput();   // done, as a client that follows the XFR is
            if (in.read() != -1) {
                throw new IOException("data after the last reply");
            }
            return true;
        }
    }
}

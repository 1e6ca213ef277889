package org.msnp.dispatch.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Load driver for the HTTP gateway: {@code concurrency} clients, each on its own keep-alive
 * connection, run complete gateway handshakes back to back for {@code duration}:
 * open with {@code VER}, send {@code CVR} + {@code USR}, poll until {@code Session=close} (the
 * XFR normally arrives with it, so polls are rare). A handshake counts when it ends in an XFR;
 * anything else (a non-200 status, a missing XFR, a broken connection) counts as an error.
 *
 * <p>The HTTP client is a minimal one written here, so that the driver spends little of the
 * machine it shares with the server under test.
 */
public final class GatewayLoad {
    private static final String OPEN = "/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com";
    private static final byte[] VER = "VER 1 MSNP8 CVR0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CVR_USR = ("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS load@example.com\r\n"
            + "USR 3 TWN I load@example.com\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

    private GatewayLoad() {
    }

    /**
     * @param latencyMicros one handshake, first request sent to {@code Session=close} read
     */
    public record Result(int concurrency, Duration elapsed, long handshakes, long errors, Histogram latencyMicros) {
        public double handshakesPerSecond() {
            return handshakes / (elapsed.toNanos() / 1e9);
        }

        public double percentileMillis(double p) {
            return latencyMicros.getValueAtPercentile(p) / 1000.0;
        }

        /** One line: {@code gateway handshakes: 1234/s (c=16, 10.0 s, 0 errors) p50=… p90=… p99=… max=… ms}. */
        public String summary() {
            return String.format(Locale.ROOT, "gateway handshakes: %.0f/s (c=%d, %.1f s, %d handshakes, %d errors)"
                            + " latency ms p50=%.2f p90=%.2f p99=%.2f max=%.2f",
                    handshakesPerSecond(), concurrency, elapsed.toNanos() / 1e9, handshakes, errors,
                    percentileMillis(50), percentileMillis(90), percentileMillis(99), latencyMicros.getMaxValue() / 1000.0);
        }
    }

    /** Runs the load against the gateway at {@code host:port} and waits for it to finish. */
    public static Result run(String host, int port, int concurrency, Duration duration) throws InterruptedException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        InetSocketAddress target = new InetSocketAddress(host, port);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "gateway-load");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Future<Worker>> futures = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            futures.add(pool.submit(() -> new Worker(target).runUntil(deadline)));
        }
        Histogram all = new Histogram(HIGHEST_MICROS, 3);
        long handshakes = 0;
        long errors = 0;
        try {
            for (Future<Worker> f : futures) {
                Worker w = f.get();
                all.add(w.latency);
                handshakes += w.handshakes;
                errors += w.errors;
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a load worker failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Result(concurrency, Duration.ofNanos(System.nanoTime() - start), handshakes, errors, all);
    }

    /** {@code GatewayLoad HOST PORT [CONCURRENCY] [SECONDS]}: prints {@link Result#summary()}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GatewayLoad HOST PORT [CONCURRENCY=16] [SECONDS=10]");
            System.exit(2);
        }
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        System.out.println(run(args[0], Integer.parseInt(args[1]), concurrency, Duration.ofSeconds(seconds)).summary());
    }

    /** One client: one keep-alive connection, reopened when the server closes it. */
    private static final class Worker {
        private final InetSocketAddress target;
        private final String hostHeader;
        final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
        long handshakes;
        long errors;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Worker(InetSocketAddress target) {
            this.target = target;
            this.hostHeader = target.getHostString() + ':' + target.getPort();
        }

        Worker runUntil(long deadline) {
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                long t0 = System.nanoTime();
                try {
                    if (handshake()) {
                        handshakes++;
                        latency.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - t0) / 1000));
                    } else {
                        errors++;
                    }
                } catch (IOException e) {
                    errors++;
                    disconnect();
                }
            }
            disconnect();
            return this;
        }

        private boolean handshake() throws IOException {
            Response r = post(OPEN, VER);
            if (r.status != 200 || r.sessionId == null || r.close) {
                return false;
            }
            r = post("/gateway/gateway.dll?SessionID=" + r.sessionId, CVR_USR);
            boolean xfr = r.body.contains("XFR 3 NS ");
            while (r.status == 200 && !r.close) {
                r = post("/gateway/gateway.dll?Action=poll&SessionID=" + r.sessionId, new byte[0]);
                xfr |= r.body.contains("XFR 3 NS ");
            }
            return r.status == 200 && xfr;
        }

        private record Response(int status, String sessionId, boolean close, String body, boolean keepAlive) {
        }

        private Response post(String target, byte[] body) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(10_000);
                socket.connect(this.target, 5_000);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            }
            String head = "POST " + target + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nContent-Type: application/x-msn-messenger\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[h.length + body.length];
            System.arraycopy(h, 0, request, 0, h.length);
            System.arraycopy(body, 0, request, h.length, body.length);
            out.write(request);
            out.flush();
            Response r = read();
            if (!r.keepAlive) {
                disconnect();
            }
            return r;
        }

        private Response read() throws IOException {
            String status = line();
            int sp = status.indexOf(' ');
            if (!status.startsWith("HTTP/1.") || sp < 0 || status.length() < sp + 4) {
                throw new IOException("not an HTTP response: " + status);
            }
            int code = Integer.parseInt(status.substring(sp + 1, sp + 4));
            int length = -1;
            String sessionId = null;
            boolean close = false;
            boolean keepAlive = true;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                    case "x-msn-messenger" -> {
                        for (String field : value.split(";")) {
                            String f = field.trim();
                            if (f.startsWith("SessionID=")) {
                                sessionId = f.substring("SessionID=".length());
                            } else if (f.equals("Session=close")) {
                                close = true;
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            if (length < 0) {
                throw new IOException("response without Content-Length");
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("connection closed inside a response body");
            }
            return new Response(code, sessionId, close, new String(body, StandardCharsets.ISO_8859_1), keepAlive);
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        private void disconnect() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }
}

package org.msnp.dispatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.protocol.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench idle}: what an open connection costs. Connections send the VER line of a script of
 * the mix, check the reply, and stay silent; the server's heap after GC (and RSS) is sampled while
 * they are held. With {@code --self} the server runs in this process and a child process holds
 * the connections, so that client-side objects do not count.
 */
@Command(name = "idle", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Hold connections open after VER and report the memory each costs the server.")
final class IdleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "HOST:PORT", description = "the server (or --self)")
    String target;

    @Option(names = "--self", description = "start this server in-process with the bench's known configuration")
    boolean self;

    @Option(names = {"-k", "--connections"}, paramLabel = "K", description = "connections to hold (default: ${DEFAULT-VALUE})")
    int connections = 1000;

    @Option(names = "--hold", paramLabel = "SECONDS", description = "how long to hold them (default: ${DEFAULT-VALUE})")
    double hold = 60;

    @Option(names = "--sample", paramLabel = "SECONDS", description = "memory sample interval while holding (default: ${DEFAULT-VALUE})")
    double sample = 15;

    @Option(names = "--parallel", paramLabel = "P", description = "connections waiting for their VER reply at once (default: ${DEFAULT-VALUE})")
    int parallel = 512;

    @Option(names = "--sources", paramLabel = "S", description = "connect from 127.0.0.1 … 127.0.0.S to a loopback target (default: ${DEFAULT-VALUE})")
    int sources = 16;

    @Option(names = "--client-threads", paramLabel = "T", description = "event-loop threads of the client (default: ${DEFAULT-VALUE})")
    int clientThreads = 1;

    @Option(names = "--timeout", paramLabel = "MS", description = "a connection whose VER reply takes longer fails (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 10_000;

    @Option(names = "--target-pid", paramLabel = "PID", description = "a local target's JVM, whose heap is read with jcmd")
    long targetPid;

    @Option(names = "--server-log", paramLabel = "FILE|none", description = "where the --self server writes its "
            + "connection log (default: ${DEFAULT-VALUE}); none: no connection log at all")
    String serverLog = "/dev/null";

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (self == (target != null)) {
            return usage("give either HOST:PORT or --self");
        }
        if (connections < 1 || parallel < 1 || hold < 0 || sample <= 0 || sources < 0 || clientThreads < 1) {
            return usage("connections, parallel, sample and client threads must be positive");
        }
        out.println(Machine.header());
        if (!self) {
            HostPort hp;
            try {
                hp = HostPort.parse(target);
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
            return foreign(new InetSocketAddress(hp.host(), hp.port()));
        }
        Application app;
        try {
            app = SelfServer.start("24h", null, "", serverLog);
        } catch (ConfigException | IllegalStateException e) {
            return usage(e.getMessage());
        }
        try {
            out.println("server: msnp-dispatch in this process on " + app.tcpAddress() + ", connection log "
                    + SelfServer.describeLog(serverLog));
            return self(app);
        } finally {
            app.stopNow();
        }
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("bench idle: " + message);
        return 2;
    }

    private int self(Application app) throws Exception {
        InetSocketAddress addr = app.tcpAddress();
        checkDescriptors(connections);
        long heap0 = Memory.heapAfterGc();
        long direct0 = Memory.nettyDirect();
        OptionalLong rss0 = Memory.rss();
        out.printf(Locale.ROOT, "idle: %d connections after VER from a child process, %d source addresses; server "
                + "heap after GC before: %s%n", connections, Math.min(sources, 255), Memory.mib(heap0));
        out.flush();
        List<String> cmd = new ArrayList<>(List.of(Machine.javaExecutable(), "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), Machine.MAIN, "bench", "idle-client",
                addr.getAddress().getHostAddress() + ":" + addr.getPort(), "-k", Integer.toString(connections), "--exact",
                "--sources", Integer.toString(sources), "--parallel", Integer.toString(parallel), "--client-threads",
                Integer.toString(clientThreads), "--timeout", Long.toString(timeoutMillis)));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("error " + e);
            }
        }, "idle-child-output");
        reader.setDaemon(true);
        reader.start();
        int status = 0;
        try {
            String heldLine = awaitLine(lines, "held ", Duration.ofSeconds(60 + connections / 500));
            if (heldLine == null) {
                out.println("idle: the client process did not report its connections; its output follows");
                drain(lines);
                return 1;
            }
            out.println("idle: client " + heldLine);
            out.println("idle:      time   open conns   heap after GC   heap/conn   netty direct/conn   RSS/conn");
            long t0 = System.nanoTime();
            long first = -1;
            long lastPer = -1;
            while (true) {
                long t = System.nanoTime() - t0;
                long heap = Memory.heapAfterGc();
                int open = app.tcp().openConnections();
                long per = open > 0 ? (heap - heap0) / open : 0;
                long directPer = open > 0 ? (Memory.nettyDirect() - direct0) / open : 0;
                OptionalLong rss = Memory.rss();
                String rssPer = rss.isPresent() && rss0.isPresent() && open > 0
                        ? (rss.getAsLong() - rss0.getAsLong()) / open + " B" : "-";
                out.printf(Locale.ROOT, "idle: %7.0f s %12d %15s %9d B %17d B %10s%n", t / 1e9, open, Memory.mib(heap),
                        per, directPer, rssPer);
                out.flush();
                if (first < 0) {
                    first = per;
                }
                lastPer = per;
                if (open == 0) {
                    status = 1;
                }
                double left = hold - (System.nanoTime() - t0) / 1e9;
                if (left <= 0) {
                    break;
                }
                Thread.sleep((long) (Math.min(left, sample) * 1000));
            }
            int open = app.tcp().openConnections();
            out.printf(Locale.ROOT, "idle: %d connections held %.0f s: %d B of heap per connection at the start, %d B at "
                    + "the end (%+d B)%n", open, hold, first, lastPer, lastPer - first);
            if (heldLine.contains("failed 0") && open < connections) {
                out.println("idle: the server closed " + (connections - open) + " of the held connections");
                status = 1;
            }
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            String lost = awaitLine(lines, "lost ", Duration.ofSeconds(2));
            if (lost != null) {
                out.println("idle: client " + lost + " (connections the server closed while held)");
            }
            out.flush();
        }
        return status;
    }

    private int foreign(InetSocketAddress addr) throws Exception {
        checkDescriptors(connections / 2);
        List<InetSocketAddress> from = addr.getAddress().isLoopbackAddress() ? LoadGenerator.loopbackSources(sources) : List.of();
        OptionalLong heap0 = targetPid > 0 ? Memory.jcmdHeapAfterGc(targetPid) : OptionalLong.empty();
        try (IdleClient c = new IdleClient(from, Mix.standard(), clientThreads, Duration.ofMillis(timeoutMillis))) {
            long t0 = System.nanoTime();
            c.open(addr, false, connections, parallel);
            out.printf(Locale.ROOT, "idle: held %d failed %d in %.1f s%s%n", c.held(), c.failed(),
                    (System.nanoTime() - t0) / 1e9, c.firstError() != null ? " (first error: " + c.firstError() + ")" : "");
            long start = System.nanoTime();
            while (true) {
                String mem = "heap: pass --target-pid for a local JVM target";
                if (heap0.isPresent()) {
                    OptionalLong h = Memory.jcmdHeapAfterGc(targetPid);
                    mem = h.isPresent() ? "target heap after GC " + Memory.mib(h.getAsLong()) + ", "
                            + (h.getAsLong() - heap0.getAsLong()) / Math.max(1, c.open()) + " B per connection" : "jcmd failed";
                }
                out.printf(Locale.ROOT, "idle: %7.0f s %d open, %d lost; %s%n", (System.nanoTime() - start) / 1e9, c.open(),
                        c.lost(), mem);
                out.flush();
                double left = hold - (System.nanoTime() - start) / 1e9;
                if (left <= 0) {
                    break;
                }
                Thread.sleep((long) (Math.min(left, sample) * 1000));
            }
            return c.failed() == 0 && c.lost() == 0 ? 0 : 1;
        }
    }

    private void checkDescriptors(int needed) {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean os && os.getMaxFileDescriptorCount() < needed + 1000L) {
            out.println("idle: WARNING: this process may open only " + os.getMaxFileDescriptorCount()
                    + " files; raise it (ulimit -n) for " + needed + " connections");
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String l = lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                return null;
            }
            if (l.startsWith(prefix)) {
                return l;
            }
        }
    }

    private void drain(BlockingQueue<String> lines) {
        String l;
        while ((l = lines.poll()) != null) {
            out.println("  " + l);
        }
    }

    /** {@code bench idle-client}: the child process of {@code bench idle --self}, holding the connections. */
    @Command(name = "idle-client", hidden = true, description = "child process of bench idle --self: hold K connections "
            + "until standard input closes")
    static final class Client implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "HOST:PORT")
        String target;

        @Option(names = {"-k", "--connections"})
        int connections;

        @Option(names = "--exact", description = "check the VER reply byte for byte")
        boolean exact;

        @Option(names = "--sources")
        int sources = 16;

        @Option(names = "--parallel")
        int parallel = 512;

        @Option(names = "--client-threads")
        int clientThreads = 1;

        @Option(names = "--timeout")
        long timeoutMillis = 10_000;

        @Option(names = "--proxy-header", description = "begin each connection with a PROXY v1 header")
        boolean proxyHeader;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            HostPort hp = HostPort.parse(target);
            InetSocketAddress addr = new InetSocketAddress(hp.host(), hp.port());
            List<InetSocketAddress> from = addr.getAddress().isLoopbackAddress() ? LoadGenerator.loopbackSources(sources) : List.of();
            try (IdleClient c = new IdleClient(from, Mix.standard(), clientThreads, Duration.ofMillis(timeoutMillis),
                    proxyHeader)) {
                long t0 = System.nanoTime();
                c.open(addr, exact, connections, parallel);
                out.printf(Locale.ROOT, "held %d failed %d in %.1f s%s%n", c.held(), c.failed(), (System.nanoTime() - t0) / 1e9,
                        c.firstError() != null ? " (first error: " + c.firstError() + ")" : "");
                out.flush();
                while (System.in.read() >= 0) {
                    // held until the parent closes our input
                }
                out.println("lost " + c.lost());
                out.flush();
                return 0;
            }
        }
    }
}

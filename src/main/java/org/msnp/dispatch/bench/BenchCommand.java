package org.msnp.dispatch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.gateway.GatewayLoad;
import org.msnp.dispatch.app.ConnectionLog;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.protocol.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code msnp-dispatch bench}: handshakes per second on fresh TCP connections, their latency, the
 * memory an idle connection costs, and how soon a new process serves. See docs/benchmarks.md.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Load a dispatch server with complete handshakes on fresh TCP connections.",
                "With --self the server runs in this process with a known configuration and every reply is "
                        + "checked byte for byte; against HOST:PORT replies are checked by shape (verb, TrID)."})
public final class BenchCommand implements Callable<Integer> {
    private static final String MAIN = "org.msnp.dispatch.cli.Main";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "HOST:PORT", description = "the server to load (or --self)")
    String target;

    @Option(names = "--self", description = "start this server in-process with the bench's known configuration")
    boolean self;

    @Option(names = "--ceiling", description = "also load, in the same run, a minimal Netty server that answers "
            + "the same handshakes with pre-built bytes, and print the ratio")
    boolean ceiling;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "C", description = "handshakes in flight (default: ${DEFAULT-VALUE})")
    int concurrency = 128;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "length of each measured run (default: ${DEFAULT-VALUE})")
    double duration = 10;

    @Option(names = {"-n", "--handshakes"}, paramLabel = "N", description = "run exactly N handshakes instead of for a duration")
    long handshakes;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "unmeasured run before each measured one (default: ${DEFAULT-VALUE})")
    double warmup = 3;

    @Option(names = "--first-warmup", paramLabel = "SECONDS", description = "unmeasured run of each server before "
            + "the first round, so that both are compiled before anything counts (default: ${DEFAULT-VALUE})")
    double firstWarmup = 10;

    @Option(names = "--rounds", paramLabel = "R", description = "measured runs per server, alternating with the ceiling (default: ${DEFAULT-VALUE})")
    int rounds = 1;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "then a paced run at this rate of new connections")
    double rate;

    @Option(names = "--rate-fraction", paramLabel = "F", description = "then a paced run at F times the peak just measured")
    double rateFraction;

    @Option(names = "--sources", paramLabel = "S", description = "connect from 127.0.0.1 … 127.0.0.S to a loopback target (default: ${DEFAULT-VALUE})")
    int sources = 16;

    @Option(names = "--client-threads", paramLabel = "T", description = "event-loop threads of the load generator (default: ${DEFAULT-VALUE})")
    int clientThreads = 1;

    @Option(names = "--timeout", paramLabel = "MS", description = "a handshake that does not finish within this fails (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 10_000;

    @Option(names = "--idle", paramLabel = "K", description = "instead of load: hold K connections open after VER and report memory per connection")
    int idle;

    @Option(names = "--hold", paramLabel = "SECONDS", description = "how long to hold the idle connections (default: ${DEFAULT-VALUE})")
    double hold = 60;

    @Option(names = "--sample", paramLabel = "SECONDS", description = "memory sample interval while holding (default: ${DEFAULT-VALUE})")
    double sample = 15;

    @Option(names = "--parallel", paramLabel = "P", description = "idle connections waiting for their VER reply at once (default: ${DEFAULT-VALUE})")
    int parallel = 512;

    @Option(names = "--target-pid", paramLabel = "PID", description = "a local target's JVM, whose heap is read with jcmd")
    long targetPid;

    @Option(names = "--gateway", description = "instead of TCP: handshakes through the HTTP gateway (open with VER, "
            + "send CVR and USR, poll until Session=close); with --self the in-process server's gateway, else the "
            + "gateway at HOST:PORT")
    boolean gateway;

    @Option(names = "--startup", description = "instead of load: start `serve` as a new process and time its first complete handshake")
    boolean startup;

    @Option(names = "--startup-runs", paramLabel = "N", description = "processes started for --startup (default: ${DEFAULT-VALUE})")
    int startupRuns = 3;

    @Option(names = "--startup-java-opts", paramLabel = "OPTS", description = "JVM options of the started process")
    String startupJavaOpts = "";

    @Option(names = "--startup-admin", description = "with --startup: the started server also opens its admin listener "
            + "(loopback, a free port), as `serve` does by default")
    boolean startupAdmin;

    @Option(names = "--server-log", paramLabel = "FILE|none", description = "where the --self server writes its "
            + "connection log (default: ${DEFAULT-VALUE}); none: no connection log at all")
    String serverLog = "/dev/null";

    @Option(names = "--close-linger", paramLabel = "DURATION", description = "experiment: the --self server's "
            + "limits.close-linger (e.g. 50ms) instead of its default")
    String closeLinger;

    @Option(names = "--idle-client", hidden = true, description = "child process of --self --idle: hold K connections")
    int idleClient;

    @Option(names = "--exact", hidden = true, description = "child process: check the VER reply byte for byte")
    boolean exact;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (idleClient > 0) {
            return idleClient();
        }
        if (startup) {
            return startup();
        }
        if (self == (target != null)) {
            return usage("give either HOST:PORT or --self");
        }
        if (concurrency < 1 || duration <= 0 || rounds < 1 || handshakes < 0 || sources < 0 || clientThreads < 1) {
            return usage("concurrency, duration, rounds and client threads must be positive");
        }
        out.println(header());
        if (gateway) {
            return gatewayLoad();
        }
        if (!self) {
            HostPort hp;
            try {
                hp = HostPort.parse(target);
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
            InetSocketAddress addr = new InetSocketAddress(hp.host(), hp.port());
            return idle > 0 ? idleForeign(addr) : load(addr, false);
        }
        Application app;
        try {
            app = Application.start(KnownConfig.config("127.0.0.1:0", idle > 0 ? "24h" : "60s", closeLinger), observer());
        } catch (IllegalStateException e) {
            return usage(e.getMessage());
        }
        try {
            out.println("server: msnp-dispatch in this process on " + app.tcpAddress() + ", "
                    + app.tcp().transport().name().toLowerCase(Locale.ROOT) + ", " + workers()
                    + " worker threads, connection log " + (serverLog.equals("none") ? "off" : "to " + serverLog)
                    + ", close-linger " + org.msnp.dispatch.config.Durations.format(app.config().limits().closeLinger()));
            return idle > 0 ? idleSelf(app) : load(app.tcpAddress(), true);
        } finally {
            app.stopNow();
        }
    }

    // --- handshakes through the HTTP gateway ------------------------------------------------------

    /** Gateway handshakes per second and their latency; a warm-up run first, like the TCP load. */
    private int gatewayLoad() throws Exception {
        Application app = null;
        String host;
        int port;
        if (self) {
            String yaml = KnownConfig.yaml("127.0.0.1:0", "60s", closeLinger)
                    + "gateway:\n  enabled: true\n  listen: \"127.0.0.1:0\"\n  max-sessions-per-ip: 100000\n";
            app = Application.start(org.msnp.dispatch.config.ConfigLoader.parse(yaml, "bench gateway configuration"),
                    observer());
            InetSocketAddress gw = app.gatewayAddress().orElseThrow();
            host = gw.getAddress().getHostAddress();
            port = gw.getPort();
            out.println("server: msnp-dispatch in this process, gateway on " + host + ":" + port + ", connection log "
                    + (serverLog.equals("none") ? "off" : "to " + serverLog));
        } else {
            HostPort hp;
            try {
                hp = HostPort.parse(target);
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
            host = hp.host();
            port = hp.port();
        }
        try {
            out.println("load: " + concurrency + " gateway clients, each one HTTP/1.1 keep-alive connection: "
                    + "POST open (VER), POST send (CVR, USR), POST poll until Session=close");
            if (firstWarmup > 0) {
                GatewayLoad.Result w = GatewayLoad.run(host, port, concurrency, Duration.ofMillis((long) (firstWarmup * 1000)));
                out.println("warm-up   " + w.summary());
            }
            GatewayLoad.Result r = GatewayLoad.run(host, port, concurrency, Duration.ofMillis((long) (duration * 1000)));
            out.println("gateway   " + r.summary());
            out.flush();
            return r.errors() == 0 && r.handshakes() > 0 ? 0 : 1;
        } finally {
            if (app != null) {
                app.stopNow();
            }
        }
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("bench: " + message);
        return 2;
    }

    private ConnectionObserver observer() {
        if (serverLog.equals("none")) {
            return record -> { };
        }
        ServerLog.redirect(serverLog);
        return new ConnectionLog();
    }

    static int workers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    // --- handshakes per second ----------------------------------------------------------------

    private int load(InetSocketAddress addr, boolean exactReplies) throws Exception {
        List<Handshake> mix = Mix.standard();
        List<InetSocketAddress> from = addr.getAddress().isLoopbackAddress() ? LoadGenerator.loopbackSources(sources) : List.of();
        long limit = handshakes > 0 ? handshakes : Long.MAX_VALUE;
        Duration measured = handshakes > 0 ? Duration.ofDays(1) : seconds(duration);
        out.printf(Locale.ROOT, "load: %s, %d in flight, %s, %d client thread(s), %d source addresses, mix of %d "
                        + "scripts (%s), replies checked %s%n", addr, concurrency,
                handshakes > 0 ? handshakes + " handshakes per run" : duration + " s per run", clientThreads, from.size(),
                Mix.ALL.size(), "15% MSNP2-7, 25% MSNP8-12, 30% MSNP13-20, 20% MSNP21, 10% CVR0-CVQ",
                exactReplies ? "byte for byte" : "by shape");
        out.flush();
        long failures = 0;
        CeilingServer top = ceiling ? new CeilingServer(mix, workers()) : null;
        try (LoadGenerator gen = new LoadGenerator(from, mix, clientThreads, Duration.ofMillis(timeoutMillis))) {
            LoadGenerator.Target ours = new LoadGenerator.Target(addr, exactReplies);
            LoadGenerator.Target ceil = top == null ? null
                    : new LoadGenerator.Target(top.start(addr.getAddress().getHostAddress()), true);
            if (ceil != null) {
                out.println("ceiling: minimal Netty server on " + ceil.address() + ", " + gen.transport().name()
                        .toLowerCase(Locale.ROOT) + ", " + workers() + " worker threads, pre-built replies");
            }
            List<Result> oursRuns = new ArrayList<>();
            List<Result> ceilRuns = new ArrayList<>();
            if (firstWarmup > 0) {
                warm(gen, "ours", ours, firstWarmup);
                if (ceil != null) {
                    warm(gen, "ceiling", ceil, firstWarmup);
                }
            }
            for (int r = 1; r <= rounds; r++) {
                String suffix = rounds > 1 ? "#" + r : "";
                oursRuns.add(measure(gen, "ours" + suffix, ours, limit, measured));
                failures += last(oursRuns).failed();
                if (ceil != null) {
                    ceilRuns.add(measure(gen, "ceiling" + suffix, ceil, limit, measured));
                    failures += last(ceilRuns).failed();
                }
            }
            double oursRate = rate(oursRuns);
            out.printf(Locale.ROOT, "peak: ours %.0f handshakes/s", oursRate);
            if (ceil != null) {
                double ceilRate = rate(ceilRuns);
                out.printf(Locale.ROOT, ", ceiling %.0f handshakes/s, ratio ours/ceiling %.3f", ceilRate,
                        ceilRate > 0 ? oursRate / ceilRate : 0);
            }
            out.println();
            out.printf(Locale.ROOT, "cpu: ours %.0f us per handshake", cpu(oursRuns));
            if (ceil != null) {
                out.printf(Locale.ROOT, ", ceiling %.0f us (whole process: load generator and server; the "
                        + "difference, %.0f us, is what our server does beyond the minimum)", cpu(ceilRuns),
                        cpu(oursRuns) - cpu(ceilRuns));
            }
            out.println();
            out.flush();
            double paced = rate > 0 ? rate : rateFraction * oursRate;
            if (paced > 0) {
                int maxInFlight = Math.max(concurrency, 4096);
                String label = String.format(Locale.ROOT, "ours@%.0f", paced);
                Result p = gen.paced(label, ours, paced, maxInFlight, limit, measured);
                print(p);
                failures += p.failed();
                out.printf(Locale.ROOT, "paced: %.0f handshakes/s offered (%s), %.0f served, p99 %s ms (latency from "
                                + "the scheduled connect to the server's close)%n", paced,
                        rate > 0 ? "--rate" : String.format(Locale.ROOT, "%.2f x peak", rateFraction), p.perSecond(),
                        Result.ms(p.toClose().getValueAtPercentile(99)));
                if (ceil != null) {
                    Result c = gen.paced(String.format(Locale.ROOT, "ceil@%.0f", paced), ceil, paced, maxInFlight, limit, measured);
                    print(c);
                    failures += c.failed();
                }
            }
        } finally {
            if (top != null) {
                top.close();
            }
        }
        out.println(failures == 0 ? "result: every handshake answered as expected"
                : "result: " + failures + " handshakes FAILED");
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private Result measure(LoadGenerator gen, String label, LoadGenerator.Target t, long limit, Duration measured)
            throws InterruptedException {
        if (warmup > 0) {
            warm(gen, label, t, warmup);
        }
        Result r = gen.closedLoop(label, t, concurrency, limit, measured);
        print(r);
        return r;
    }

    private void warm(LoadGenerator gen, String label, LoadGenerator.Target t, double secs) throws InterruptedException {
        Result w = gen.closedLoop("warm-up", t, concurrency, Long.MAX_VALUE, seconds(secs));
        out.printf(Locale.ROOT, "%-10s %9.0f handshakes/s  (%s warm-up, %s s, %d errors)%n", "", w.perSecond(), label,
                secs == Math.rint(secs) ? Long.toString((long) secs) : Double.toString(secs), w.failed());
        out.flush();
    }

    private void print(Result r) {
        out.print(r.report());
        out.flush();
    }

    private static Result last(List<Result> runs) {
        return runs.get(runs.size() - 1);
    }

    /** Completed handshakes over time, over all rounds. */
    static double rate(List<Result> runs) {
        long done = 0;
        long nanos = 0;
        for (Result r : runs) {
            done += r.completed();
            nanos += r.elapsedNanos();
        }
        return nanos == 0 ? 0 : done * 1e9 / nanos;
    }

    /** Process CPU per completed handshake, over all rounds, in microseconds. */
    static double cpu(List<Result> runs) {
        long done = 0;
        long nanos = 0;
        for (Result r : runs) {
            done += r.completed();
            nanos += r.cpuNanos();
        }
        return done == 0 ? 0 : nanos / 1e3 / done;
    }

    static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    // --- idle connections ---------------------------------------------------------------------

    private int idleSelf(Application app) throws Exception {
        InetSocketAddress addr = app.tcpAddress();
        checkDescriptors(idle);
        long heap0 = Memory.heapAfterGc();
        long direct0 = Memory.nettyDirect();
        OptionalLong rss0 = Memory.rss();
        out.printf(Locale.ROOT, "idle: %d connections after VER from a child process, %d source addresses; server "
                + "heap after GC before: %s%n", idle, Math.min(sources, 255), Memory.mib(heap0));
        out.flush();
        List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                MAIN, "bench", addr.getAddress().getHostAddress() + ":" + addr.getPort(), "--idle-client",
                Integer.toString(idle), "--exact", "--sources", Integer.toString(sources), "--parallel",
                Integer.toString(parallel), "--client-threads", Integer.toString(clientThreads), "--timeout",
                Long.toString(timeoutMillis)));
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
            String heldLine = awaitLine(lines, "held ", Duration.ofSeconds(60 + idle / 500));
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
                        ? Long.toString((rss.getAsLong() - rss0.getAsLong()) / open) + " B" : "-";
                out.printf(Locale.ROOT, "idle: %7.0f s %12d %15s %9d B %17d B %10s%n", t / 1e9, open, Memory.mib(heap),
                        per, directPer, rssPer);
                out.flush();
                if (first < 0) {
                    first = per;
                }
                lastPer = per;
                if (open < idle && status == 0) {
                    status = open == 0 ? 1 : status;
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
            if (heldLine.contains("failed 0") && open < idle) {
                out.println("idle: the server closed " + (idle - open) + " of the held connections");
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

    private int idleForeign(InetSocketAddress addr) throws Exception {
        checkDescriptors(idle / 2);
        List<InetSocketAddress> from = addr.getAddress().isLoopbackAddress() ? LoadGenerator.loopbackSources(sources) : List.of();
        OptionalLong heap0 = targetPid > 0 ? Memory.jcmdHeapAfterGc(targetPid) : OptionalLong.empty();
        try (IdleClient c = new IdleClient(from, Mix.standard(), clientThreads, Duration.ofMillis(timeoutMillis))) {
            long t0 = System.nanoTime();
            c.open(addr, false, idle, parallel);
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

    /** Child process of {@code --self --idle}: holds the connections until its input closes. */
    private int idleClient() throws Exception {
        HostPort hp = HostPort.parse(target);
        InetSocketAddress addr = new InetSocketAddress(hp.host(), hp.port());
        List<InetSocketAddress> from = addr.getAddress().isLoopbackAddress() ? LoadGenerator.loopbackSources(sources) : List.of();
        try (IdleClient c = new IdleClient(from, Mix.standard(), clientThreads, Duration.ofMillis(timeoutMillis))) {
            long t0 = System.nanoTime();
            c.open(addr, exact, idleClient, parallel);
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

    // --- start-up -------------------------------------------------------------------------------

    private int startup() throws Exception {
        out.println(header());
        int port;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
            port = s.getLocalPort();
        }
        Path config = Files.createTempFile("msnp-bench-startup-", ".yaml");
        try {
            String yaml = KnownConfig.yaml("127.0.0.1:" + port, "60s");
            if (startupAdmin) {
                yaml = yaml.replace("admin:\n  enabled: false\n", "admin:\n  listen: \"127.0.0.1:" + freePort(loopback) + "\"\n");
            }
            Files.writeString(config, yaml);
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable());
            if (!startupJavaOpts.isBlank()) {
                cmd.addAll(Arrays.asList(startupJavaOpts.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN, "serve", "-c", config.toString()));
            out.println("startup: " + String.join(" ", cmd));
            long[] runs = new long[startupRuns];
            for (int i = 0; i < startupRuns; i++) {
                runs[i] = StartupProbe.measure(cmd, new InetSocketAddress(loopback, port), Mix.MSNP8, Duration.ofSeconds(30));
                out.printf(Locale.ROOT, "startup: run %d: first complete handshake %.0f ms after the process started%n",
                        i + 1, runs[i] / 1e6);
                out.flush();
            }
            long[] sorted = runs.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "startup: min %.0f ms, median %.0f ms, max %.0f ms%n", sorted[0] / 1e6,
                    sorted[sorted.length / 2] / 1e6, sorted[sorted.length - 1] / 1e6);
            return 0;
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // --- what ran where ---------------------------------------------------------------------------

    static String header() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "machine: %d cores (%s), %s %s %s, Java %s (%s), transport %s, load average %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Transport.best().name().toLowerCase(Locale.ROOT), load);
    }
}

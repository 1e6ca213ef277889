package org.msnp.dispatch.bench;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.Durations;
import org.msnp.dispatch.protocol.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench run}: handshakes per second on fresh connections against one server — this one in
 * process ({@code --self}) or another at HOST:PORT — optionally alternating with the in-process
 * ceiling, then optionally a paced run for the latency at a given rate.
 */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Load one dispatch server with complete handshakes on fresh TCP connections.",
                "With --self the server runs in this process with a known configuration and every reply is "
                        + "checked byte for byte; against HOST:PORT replies are checked by shape (verb, TrID)."})
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "HOST:PORT", description = "the server to load (or --self)")
    String target;

    @Option(names = "--self", description = "start this server in-process with the bench's known configuration")
    boolean self;

    @Option(names = "--ceiling", description = "also load, alternating in the same run, a minimal Netty server in this "
            + "process that answers the same handshakes with pre-built bytes, and print the ratio")
    boolean ceiling;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "C", description = "handshakes in flight (default: ${DEFAULT-VALUE})")
    int concurrency = 128;

    @Option(names = "--rounds", paramLabel = "R", description = "measured runs per server, alternating with the ceiling (default: ${DEFAULT-VALUE})")
    int rounds = 1;

    @Mixin
    LoadOptions load;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "then a paced run at this rate of new connections")
    double rate;

    @Option(names = "--rate-fraction", paramLabel = "F", description = "then a paced run at F times the peak just measured")
    double rateFraction;

    @Option(names = "--ds-ns", description = "the server is Dispatch and Notification Server in one: it answers USR with "
            + "USR t TWN S / GCF and USR t SSO S / USR t MD5 S and keeps the connection; the client takes that as the "
            + "end of the handshake and closes")
    boolean dsNs;

    @Option(names = "--client-stays", description = "after the last reply the client does not close but waits for the "
            + "server to (a client that ignores the XFR); latency to the close is then how long the server holds it")
    boolean clientStays;

    @Option(names = "--server-log", paramLabel = "FILE|none", description = "where the --self server writes its "
            + "connection log (default: ${DEFAULT-VALUE}); none: no connection log at all")
    String serverLog = "/dev/null";

    @Option(names = "--close-linger", paramLabel = "DURATION", description = "experiment: the --self server's "
            + "limits.close-linger (e.g. 50ms) instead of its default")
    String closeLinger;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (self == (target != null)) {
            return usage("give either HOST:PORT or --self");
        }
        String problem = load.problem();
        if (problem != null) {
            return usage(problem);
        }
        if (concurrency < 1 || rounds < 1) {
            return usage("concurrency and rounds must be positive");
        }
        if (dsNs && clientStays) {
            return usage("--ds-ns and --client-stays exclude each other");
        }
        out.println(Machine.header());
        if (!self) {
            HostPort hp;
            try {
                hp = HostPort.parse(target);
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
            return load(new InetSocketAddress(hp.host(), hp.port()), false);
        }
        Application app;
        try {
            app = SelfServer.start("60s", closeLinger, "", serverLog);
        } catch (ConfigException | IllegalStateException e) {
            return usage(e.getMessage());
        }
        try {
            out.println("server: msnp-dispatch in this process on " + app.tcpAddress() + ", "
                    + app.tcp().transport().name().toLowerCase(Locale.ROOT) + ", " + Machine.workers()
                    + " worker threads, connection log " + SelfServer.describeLog(serverLog)
                    + ", close-linger " + Durations.format(app.config().limits().closeLinger()));
            return load(app.tcpAddress(), true);
        } finally {
            app.stopNow();
        }
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("bench run: " + message);
        return 2;
    }

    private Ending ending() {
        return dsNs ? Ending.DS_NS : clientStays ? Ending.STAY : Ending.FOLLOW;
    }

    private int load(InetSocketAddress addr, boolean exactReplies) throws Exception {
        List<InetSocketAddress> from = load.sourcesFor(addr);
        long limit = load.limit();
        out.printf(Locale.ROOT, "load: %s, %d in flight, %s, %d client thread(s), %d source addresses, %s, replies "
                        + "checked %s%s%n", addr, concurrency, load.perRun(), load.clientThreads, from.size(),
                load.mixDescription(), exactReplies ? "byte for byte" : "by shape", switch (ending()) {
                    case FOLLOW -> "";
                    case STAY -> ", the client waits for the server's close after the last reply";
                    case DS_NS -> ", DS+NS: the server's USR … S ends the handshake, the client closes";
                });
        out.flush();
        long failures = 0;
        CeilingServer top = ceiling ? new CeilingServer(Mix.ALL, Machine.workers()) : null;
        try (LoadGenerator gen = load.generator(from)) {
            LoadGenerator.Target ours = new LoadGenerator.Target(addr, exactReplies, ending());
            LoadGenerator.Target ceil = top == null ? null
                    : new LoadGenerator.Target(top.start(addr.getAddress().getHostAddress()), true, ending());
            if (ceil != null) {
                out.println("ceiling: minimal Netty server on " + ceil.address() + ", " + gen.transport().name()
                        .toLowerCase(Locale.ROOT) + ", " + Machine.workers() + " worker threads, pre-built replies");
            }
            List<Result> oursRuns = new ArrayList<>();
            List<Result> ceilRuns = new ArrayList<>();
            if (load.firstWarmup > 0) {
                warm(gen, "ours", ours, load.firstWarmup);
                if (ceil != null) {
                    warm(gen, "ceiling", ceil, load.firstWarmup);
                }
            }
            for (int r = 1; r <= rounds; r++) {
                String suffix = rounds > 1 ? "#" + r : "";
                oursRuns.add(measure(gen, "ours" + suffix, ours, limit));
                failures += last(oursRuns).failed();
                if (ceil != null) {
                    ceilRuns.add(measure(gen, "ceiling" + suffix, ceil, limit));
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
                Result p = gen.paced(label, ours, paced, maxInFlight, limit, load.measured());
                print(p);
                failures += p.failed();
                out.printf(Locale.ROOT, "paced: %.0f handshakes/s offered (%s), %.0f served, p99 %s ms (latency from "
                                + "the scheduled connect to the server's close)%n", paced,
                        rate > 0 ? "--rate" : String.format(Locale.ROOT, "%.2f x peak", rateFraction), p.perSecond(),
                        Result.ms(p.toClose().getValueAtPercentile(99)));
                if (ceil != null) {
                    Result c = gen.paced(String.format(Locale.ROOT, "ceil@%.0f", paced), ceil, paced, maxInFlight, limit,
                            load.measured());
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

    private Result measure(LoadGenerator gen, String label, LoadGenerator.Target t, long limit) throws InterruptedException {
        if (load.warmup > 0) {
            warm(gen, label, t, load.warmup);
        }
        Result r = gen.closedLoop(label, t, concurrency, limit, load.measured());
        print(r);
        return r;
    }

    private void warm(LoadGenerator gen, String label, LoadGenerator.Target t, double secs) throws InterruptedException {
        Result w = gen.closedLoop("warm-up", t, concurrency, Long.MAX_VALUE, Machine.seconds(secs));
        out.printf(Locale.ROOT, "%-10s %9.0f handshakes/s  (%s warm-up, %s s, %d errors)%n", "", w.perSecond(), label,
                seconds(secs), w.failed());
        out.flush();
    }

    static String seconds(double secs) {
        return secs == Math.rint(secs) ? Long.toString((long) secs) : Double.toString(secs);
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
}

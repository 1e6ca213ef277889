package org.msnp.dispatch.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench targets}: several servers measured in one run, round by round in turn, each round a
 * closed loop of fresh-connection handshakes. For a target with a known process (started here, or
 * given with its PID) the server's own CPU time per handshake and its memory are read from
 * {@code /proc}; the report gives the median over rounds and the ratios against a baseline target.
 */
@Command(name = "targets", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Compare servers in one run: rounds alternate between the targets; with a PID, the server "
                + "process's CPU per handshake and its memory are reported.",
                "Targets started here (--start-…) run the bench's known configuration and are checked byte for byte; "
                        + "the C server and --target servers by reply shape."})
final class TargetsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "NAME=HOST:PORT[:PID]", description = "a running server; with its PID "
            + "its CPU time and memory are read from /proc")
    List<String> given = new ArrayList<>();

    @Option(names = "--start-c-ceiling", arity = "0..1", fallbackValue = "c", paramLabel = "NAME", description =
            "compile the C server (cc -O2 -pthread) and run it on a free port (name: c); it answers only the "
                    + "MSNP8 handshake, so use --mix MSNP8")
    String startC;

    @Option(names = "--c-ceiling-source", paramLabel = "FILE", description = "the C server's source (default: ${DEFAULT-VALUE})")
    Path cSource = Path.of("../shared/tools/cceiling.c");

    @Option(names = "--start-c-close-wait", arity = "0..1", fallbackValue = "c-wait", paramLabel = "NAME", description =
            "also the C server that leaves the closing to the client, as msnp-dispatch does (name: c-wait); "
                    + "MSNP8 only, like the other")
    String startCWait;

    @Option(names = "--c-close-wait-source", paramLabel = "FILE", description = "its source (default: ${DEFAULT-VALUE})")
    Path cWaitSource = Path.of("bench/cceiling-close-wait.c");

    @Option(names = "--start-netty-ceiling", arity = "0..1", fallbackValue = "netty", paramLabel = "NAME[:JVM_OPTIONS]",
            description = "run the Netty ceiling (bench ceiling-server) as a JVM of its own (name: netty)")
    String startNetty;

    @Option(names = "--start-jar", paramLabel = "NAME=PATH.jar[:JVM_OPTIONS]", description = "run `serve` of this jar "
            + "with the known configuration on a free port, connection log to /dev/null")
    List<String> jars = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "NAME", description = "the target the ratios are taken against "
            + "(default: the C server if started, else the first target)")
    String baseline;

    @Option(names = "--ds-ns", split = ",", paramLabel = "NAME", description = "targets that are Dispatch and "
            + "Notification Server in one: USR … S (after GCF) ends the handshake, the client closes")
    List<String> dsNs = new ArrayList<>();

    @Option(names = "--proxy-header", description = "the jars started here listen with proxy-protocol: true, and "
            + "every connection (of the load and of --idle) begins with a PROXY v1 header naming its own addresses, "
            + "as a load balancer's send-proxy does; --target servers must expect it too; not with the C servers or "
            + "the Netty ceiling")
    boolean proxyHeader;

    @Option(names = "--client-stays", description = "after the last reply the client does not close but waits for "
            + "the server to (a client that ignores the XFR): latency to the close is how long a server holds such a client")
    boolean clientStays;

    @Option(names = "--paced-fraction", paramLabel = "F", description = "after the closed-loop rounds at each "
            + "concurrency, paced rounds per target at F times the lowest median rate of the targets (the same "
            + "offered rate for every target, one each can serve), for the latency at that load")
    double pacedFraction;

    @Option(names = "--paced-rounds", paramLabel = "R", description = "paced rounds per target (default: as many as "
            + "--rounds); a tail percentile moves more between rounds than a rate does, so more rounds are worth it")
    Integer pacedRounds;

    @Option(names = "--idle", paramLabel = "K", description = "hold K connections after VER on each target through "
            + "the whole comparison, from a child process per target, so that RSS is measured with them beside the load; "
            + "the jars started here then get a 1 h idle timeout")
    int idle;

    @Option(names = {"-c", "--concurrency"}, split = ",", paramLabel = "C[,C…]", defaultValue = "64",
            description = "handshakes in flight; several values: the whole comparison at each (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(names = "--rounds", paramLabel = "R", description = "measured rounds per target (default: ${DEFAULT-VALUE})")
    int rounds = 6;

    @Mixin
    LoadOptions load;

    private PrintWriter out;

    /** One measured round of one target. */
    /**
     * @param others cores' worth of CPU that neither the target process nor this one used meanwhile:
     *               other work on the machine (and the target itself when its PID is unknown)
     */
    private record Round(Result result, double serverMicros, ProcessUsage.Memory memory, double others) {
    }

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        String problem = load.problem();
        if (problem != null) {
            return usage(problem);
        }
        if (rounds < 1 || (pacedRounds != null && pacedRounds < 1) || concurrency.stream().anyMatch(c -> c < 1)) {
            return usage("rounds, paced rounds and concurrency must be positive");
        }
        if (given.isEmpty() && startC == null && startCWait == null && startNetty == null && jars.isEmpty()) {
            return usage("no targets: give --target, --start-c-ceiling, --start-netty-ceiling or --start-jar");
        }
        if ((startC != null || startCWait != null) && load.scripts().stream().anyMatch(h -> h != Mix.MSNP8)) {
            return usage("the C server answers every connection with the MSNP8 handshake (VER, CVR, USR): add --mix MSNP8");
        }
        if (proxyHeader && (startC != null || startCWait != null || startNetty != null)) {
            return usage("--proxy-header: the C servers and the Netty ceiling read no PROXY header; compare jars started "
                    + "with --start-jar (and --target servers that expect it)");
        }
        List<TargetSpec> parsed = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String[]> jarSpecs = new ArrayList<>();
        try {
            if (startC != null) {
                names.add(TargetSpec.checkName(startC));
            }
            if (startCWait != null) {
                names.add(TargetSpec.checkName(startCWait));
            }
            if (startNetty != null) {
                names.add(TargetSpec.checkName(ServerProcesses.nameAndRest(startNetty)[0]));
            }
            for (String j : jars) {
                String[] s = jarSpec(j);
                jarSpecs.add(s);
                names.add(s[0]);
            }
            for (String g : given) {
                TargetSpec t = TargetSpec.parse(g);
                parsed.add(t);
                names.add(t.name());
            }
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Set<String> unique = new HashSet<>();
        for (String n : names) {
            if (!unique.add(n)) {
                return usage("two targets are called '" + n + "'");
            }
        }
        String base = baseline != null ? baseline : names.get(0);
        if (!unique.contains(base)) {
            return usage("--baseline " + base + ": no such target (" + String.join(", ", names) + ")");
        }
        for (String d : dsNs) {
            if (!unique.contains(d)) {
                return usage("--ds-ns " + d + ": no such target (" + String.join(", ", names) + ")");
            }
        }
        out.println(Machine.header());
        out.flush();
        try (ServerProcesses started = new ServerProcesses()) {
            List<TargetSpec> targets = new ArrayList<>();
            try {
                if (startC != null) {
                    targets.add(started.startC(startC, cSource, Machine.workers()));
                }
                if (startCWait != null) {
                    targets.add(started.startC(startCWait, cWaitSource, Machine.workers(), "--start-c-close-wait",
                            "--c-close-wait-source"));
                }
                if (startNetty != null) {
                    String[] s = ServerProcesses.nameAndRest(startNetty);
                    targets.add(started.startNettyCeiling(s[0], ServerProcesses.jvmOptions(s[1])));
                }
                for (String[] s : jarSpecs) {
                    targets.add(started.startJar(s[0], Path.of(s[1]), ServerProcesses.jvmOptions(s[2]),
                            idle > 0 ? "1h" : "60s", proxyHeader));
                }
                targets.addAll(parsed);
                for (TargetSpec t : idle > 0 ? targets : List.<TargetSpec>of()) {
                    out.printf(Locale.ROOT, "idle: %s: %s%n", t.name(), started.holdIdle(t, idle, proxyHeader));
                    out.flush();
                }
            } catch (IOException e) {
                spec.commandLine().getErr().println("bench targets: " + e.getMessage());
                return 2;
            }
            return compare(targets, base);
        }
    }

    /** {@code NAME=PATH.jar[:JVM options]} as name, path, options. */
    static String[] jarSpec(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("--start-jar wants NAME=PATH.jar[:JVM options], got '" + text + "'");
        }
        String name = TargetSpec.checkName(text.substring(0, eq));
        String rest = text.substring(eq + 1);
        int cut = rest.indexOf(".jar:");
        return cut < 0 ? new String[] {name, rest, ""}
                : new String[] {name, rest.substring(0, cut + 4), rest.substring(cut + 5)};
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("bench targets: " + message);
        return 2;
    }

    private Ending ending(TargetSpec t) {
        return dsNs.contains(t.name()) ? Ending.DS_NS : clientStays ? Ending.STAY : Ending.FOLLOW;
    }

    private int compare(List<TargetSpec> targets, String base) throws InterruptedException {
        boolean loopback = targets.stream().allMatch(t -> t.address().getAddress().isLoopbackAddress());
        List<InetSocketAddress> from = loopback ? LoadGenerator.loopbackSources(load.sources) : List.of();
        long ticks = ProcessUsage.ticksPerSecond();
        out.printf(Locale.ROOT, "load: %s, %d client thread(s), %d source addresses, %s; %d rounds per target and "
                        + "concurrency, the targets in turn (each round starts one target further on), %s warm-up before "
                        + "each round, %s s before the first%s%n", load.perRun(), load.clientThreads, from.size(),
                load.mixDescription(), rounds, RunCommand.seconds(load.warmup), RunCommand.seconds(load.firstWarmup),
                proxyHeader ? "; every connection opens with a PROXY v1 header" : "");
        for (TargetSpec t : targets) {
            out.printf(Locale.ROOT, "target %-10s %s, replies checked %s%s: %s%n", t.name(),
                    org.msnp.dispatch.protocol.HostPort.of(t.address()), t.exact() ? "byte for byte" : "by shape",
                    switch (ending(t)) {
                        case DS_NS -> ", DS+NS (the client closes after USR … S)";
                        case STAY -> ", the client stays after the last reply until the server closes";
                        case FOLLOW -> "";
                    }, t.origin());
        }
        out.printf(Locale.ROOT, "server CPU: utime+stime of the target process from /proc/PID/stat before and after "
                + "each round, %d ticks per second (one tick = %.0f ms), divided by the round's completed handshakes; "
                + "load tool CPU: this process's CPU time likewise; other processes: the machine's busy time "
                + "(/proc/stat) meanwhile less both, in cores%n", ticks, 1000.0 / ticks);
        out.flush();
        int failures = 0;
        try (LoadGenerator gen = load.generator(from)) {
            for (int c : concurrency) {
                out.printf(Locale.ROOT, "%n== %d in flight%n", c);
                if (load.firstWarmup > 0) {
                    for (TargetSpec t : targets) {
                        warm(gen, t, c, load.firstWarmup);
                    }
                }
                Map<String, List<Round>> byTarget = new LinkedHashMap<>();
                targets.forEach(t -> byTarget.put(t.name(), new ArrayList<>()));
                for (int r = 1; r <= rounds; r++) {
                    for (int k = 0; k < targets.size(); k++) {
                        TargetSpec t = targets.get((k + r - 1) % targets.size());
                        if (load.warmup > 0) {
                            warm(gen, t, c, load.warmup);
                        }
                        Round round = measure(gen, t, c, t.name() + "#" + r);
                        byTarget.get(t.name()).add(round);
                        failures += round.result().failed() > 0 ? 1 : 0;
                    }
                }
                table(c, targets, byTarget, base, ticks);
                if (pacedFraction > 0) {
                    failures += paced(gen, c, targets, byTarget, base, ticks);
                }
            }
        }
        out.println(failures == 0 ? "result: every handshake answered as expected"
                : "result: handshakes FAILED in " + failures + " round(s)");
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private void warm(LoadGenerator gen, TargetSpec t, int c, double secs) throws InterruptedException {
        LoadGenerator.Target lt = new LoadGenerator.Target(t.address(), t.exact(), ending(t), proxyHeader);
        Result w = gen.closedLoop("warm-up", lt, c, Long.MAX_VALUE, Machine.seconds(secs));
        out.printf(Locale.ROOT, "%-12s %9.0f handshakes/s  (warm-up, %s s, %d errors)%n", t.name(), w.perSecond(),
                RunCommand.seconds(secs), w.failed());
        if (w.failed() > 0 && !w.examples().isEmpty()) {
            out.printf(Locale.ROOT, "%-12s   e.g. %s%n", "", w.examples().get(0));
        }
        out.flush();
    }

    /**
     * Paced rounds at {@link #pacedFraction} of the lowest closed-loop median rate, the targets
     * in turn; prints their table (p99 ratios against {@code base}) and returns the failed rounds.
     */
    private int paced(LoadGenerator gen, int c, List<TargetSpec> targets, Map<String, List<Round>> closed, String base,
                      long ticks) throws InterruptedException {
        double lowest = closed.values().stream()
                .mapToDouble(rs -> median(rs.stream().mapToDouble(x -> x.result().perSecond()).toArray()))
                .min().orElse(0);
        double rate = Math.max(1, pacedFraction * lowest);
        out.printf(Locale.ROOT, "%n== paced at %.0f handshakes/s (%.2f of the lowest median rate above, %.0f/s), at most "
                + "%d in flight%n", rate, pacedFraction, lowest, c);
        Map<String, List<Round>> byTarget = new LinkedHashMap<>();
        targets.forEach(t -> byTarget.put(t.name(), new ArrayList<>()));
        int failures = 0;
        int n = pacedRounds == null ? rounds : pacedRounds;
        for (int r = 1; r <= n; r++) {
            for (int k = 0; k < targets.size(); k++) {
                TargetSpec t = targets.get((k + r - 1) % targets.size());
                Round round = measure(gen, t, c, t.name() + "@" + r, rate);
                byTarget.get(t.name()).add(round);
                failures += round.result().failed() > 0 ? 1 : 0;
            }
        }
        table(c, targets, byTarget, base, ticks);
        Map<String, List<Histogram>> latencies = new LinkedHashMap<>();
        byTarget.forEach((name, rs) -> latencies.put(name, rs.stream().map(x -> x.result().toClose()).toList()));
        out.print(p99Summary(rate, latencies, base));
        out.flush();
        return failures;
    }

    /**
     * Three readings of the paced p99 against {@code base}'s, since a round's tail moves far more
     * than its rate: the median of the rounds' p99s; the p99 of all rounds' handshakes taken
     * together; and round by round, each target's round against the baseline's round of the same
     * turn (seconds apart, so a slow drift of the machine cancels out), median and range.
     *
     * @param rounds each target's latency histograms in the order measured, the baseline's included
     */
    static String p99Summary(double rate, Map<String, List<Histogram>> rounds, String base) {
        Map<String, double[]> byRound = new LinkedHashMap<>();
        Map<String, Double> pooled = new LinkedHashMap<>();
        rounds.forEach((name, hs) -> {
            byRound.put(name, hs.stream().mapToDouble(h -> h.getValueAtPercentile(99) / 1e6).toArray());
            Histogram all = new Histogram(3);
            hs.forEach(all::add);
            pooled.put(name, all.getTotalCount() == 0 ? Double.NaN : all.getValueAtPercentile(99) / 1e6);
        });
        double[] baseRounds = byRound.get(base);
        double baseMedian = median(baseRounds);
        double basePooled = pooled.get(base);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "p99 at %.0f/s as a ratio to %s's: %s%n", rate, base,
                String.join(", ", byRound.entrySet().stream()
                        .map(e -> e.getKey() + " " + ratio(median(e.getValue()), baseMedian)).toList())));
        b.append(String.format(Locale.ROOT, "p99 of all rounds' handshakes together: %s%n",
                String.join(", ", pooled.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.3f ms (%s)",
                        e.getKey(), e.getValue(), ratio(e.getValue(), basePooled))).toList())));
        b.append(String.format(Locale.ROOT, "p99 round by round against %s's round of the same turn: %s%n", base,
                String.join(", ", byRound.entrySet().stream().filter(e -> !e.getKey().equals(base)).map(e -> {
                    int m = Math.min(e.getValue().length, baseRounds.length);
                    double[] pairs = new double[m];
                    for (int i = 0; i < m; i++) {
                        pairs[i] = e.getValue()[i] / baseRounds[i];
                    }
                    double[] sorted = pairs.clone();
                    Arrays.sort(sorted);
                    return m == 0 ? e.getKey() + " -" : String.format(Locale.ROOT, "%s median %.3f (%.3f-%.3f)",
                            e.getKey(), median(pairs), sorted[0], sorted[m - 1]);
                }).toList())));
        return b.toString();
    }

    private Round measure(LoadGenerator gen, TargetSpec t, int c, String label) throws InterruptedException {
        return measure(gen, t, c, label, 0);
    }

    /** One measured round: closed loop with {@code c} in flight, or paced at {@code rate} (&gt; 0). */
    private Round measure(LoadGenerator gen, TargetSpec t, int c, String label, double rate) throws InterruptedException {
        LoadGenerator.Target lt = new LoadGenerator.Target(t.address(), t.exact(), ending(t), proxyHeader);
        long busyBefore = machineBusy();
        long t0 = System.nanoTime();
        long before = cpuTicks(t);
        Result r = rate > 0 ? gen.paced(label, lt, rate, c, load.limit(), load.measured())
                : gen.closedLoop(label, lt, c, load.limit(), load.measured());
        long after = cpuTicks(t);
        long busyAfter = machineBusy();
        double window = (System.nanoTime() - t0) / 1e9;
        ProcessUsage.Memory mem = null;
        if (t.pid().isPresent()) {
            try {
                mem = ProcessUsage.memory(t.pid().getAsLong());
            } catch (IOException | RuntimeException e) {
                // the process is gone: its handshakes have failed and say so
            }
        }
        long hz = ProcessUsage.ticksPerSecond();
        double server = before >= 0 && after >= 0 && r.completed() > 0
                ? (after - before) * 1e6 / hz / r.completed() : Double.NaN;
        double others = busyBefore < 0 || busyAfter < 0 || window <= 0 ? Double.NaN
                : Math.max(0, busyAfter - busyBefore - (before >= 0 && after >= 0 ? after - before : 0)
                        - r.cpuNanos() * hz / 1e9) / hz / window;
        out.printf(Locale.ROOT, "%-12s %9.0f handshakes/s  %d completed, %d errors, %d started in %.2f s; latency ms "
                        + "p50 %s, p99 %s, p99.9 %s, max %s; server CPU %s us/handshake (%s ticks); load tool CPU %.1f "
                        + "us/handshake, GC %d (%d ms); RSS %s; other processes %s cores%n", label, r.perSecond(), r.completed(), r.failed(), r.started(),
                r.elapsedNanos() / 1e9, Result.ms(r.toClose().getValueAtPercentile(50)),
                Result.ms(r.toClose().getValueAtPercentile(99)), Result.ms(r.toClose().getValueAtPercentile(99.9)),
                Result.ms(r.toClose().getMaxValue()), Double.isNaN(server) ? "-" : String.format(Locale.ROOT, "%.1f", server),
                before >= 0 && after >= 0 ? Long.toString(after - before) : "-", r.cpuMicrosPerHandshake(),
                r.gcCount(), r.gcMillis(), mem == null ? "-" : mib(mem.rss()) + " MiB (peak " + mib(mem.peak()) + ")",
                Double.isNaN(others) ? "-" : String.format(Locale.ROOT, "%.2f", others));
        if (r.failed() > 0) {
            out.printf(Locale.ROOT, "%-12s   errors: %s%n", "", r.errors());
            for (String e : r.examples()) {
                out.printf(Locale.ROOT, "%-12s   e.g. %s%n", "", e);
            }
        }
        out.flush();
        return new Round(r, server, mem, others);
    }

    private static long machineBusy() {
        try {
            return ProcessUsage.machineBusyTicks();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long cpuTicks(TargetSpec t) {
        if (t.pid().isEmpty()) {
            return -1;
        }
        try {
            return ProcessUsage.cpuTicks(t.pid().getAsLong());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void table(int c, List<TargetSpec> targets, Map<String, List<Round>> byTarget, String base, long ticks) {
        List<Round> baseRounds = byTarget.get(base);
        double baseRate = median(baseRounds.stream().mapToDouble(x -> x.result().perSecond()).toArray());
        double baseCpu = median(baseRounds.stream().mapToDouble(Round::serverMicros).toArray());
        long fewest = byTarget.values().stream().flatMap(List::stream).mapToLong(x -> x.result().completed())
                .filter(n -> n > 0).min().orElse(0);
        boolean pacedTable = byTarget.values().stream().flatMap(List::stream).findFirst()
                .map(x -> x.result().label().contains("@")).orElse(false);
        out.printf(Locale.ROOT, "%n%s: median of %d rounds per target; ratios against %s%n",
                pacedTable ? "paced, at most " + c + " in flight" : c + " in flight", baseRounds.size(), base);
        out.printf(Locale.ROOT, "%-10s %13s %6s %8s %8s %11s %6s %11s %8s %9s %7s %8s%n", "target", "handshakes/s",
                "ratio", "p50 ms", "p99 ms", "server CPU", "ratio", "load tool", "RSS MiB", "peak MiB", "errors", "others");
        out.printf(Locale.ROOT, "%-10s %13s %6s %8s %8s %11s %6s %11s %8s %9s %7s %8s%n", "", "", "", "", "", "us/hs", "",
                "us/hs", "", "", "", "cores");
        for (TargetSpec t : targets) {
            List<Round> rs = byTarget.get(t.name());
            double rate = median(rs.stream().mapToDouble(x -> x.result().perSecond()).toArray());
            double p50 = median(rs.stream().mapToDouble(x -> x.result().toClose().getValueAtPercentile(50) / 1e6).toArray());
            double p99 = median(rs.stream().mapToDouble(x -> x.result().toClose().getValueAtPercentile(99) / 1e6).toArray());
            double cpu = median(rs.stream().mapToDouble(Round::serverMicros).toArray());
            double client = median(rs.stream().mapToDouble(x -> x.result().cpuMicrosPerHandshake()).toArray());
            ProcessUsage.Memory last = rs.get(rs.size() - 1).memory();
            long errors = rs.stream().mapToLong(x -> x.result().failed()).sum();
            double others = median(rs.stream().mapToDouble(Round::others).toArray());
            out.printf(Locale.ROOT, "%-10s %13.0f %6s %8.3f %8.3f %11s %6s %11.1f %8s %9s %7d %8s%n", t.name(), rate,
                    ratio(rate, baseRate), p50, p99, Double.isNaN(cpu) ? "-" : String.format(Locale.ROOT, "%.1f", cpu),
                    ratio(cpu, baseCpu), client, last == null ? "-" : mib(last.rss()), last == null ? "-" : mib(last.peak()),
                    errors, Double.isNaN(others) ? "-" : String.format(Locale.ROOT, "%.2f", others));
        }
        out.printf(Locale.ROOT, "spread over the rounds (min-max): %s%n", String.join("; ", targets.stream().map(t -> {
            List<Round> rs = byTarget.get(t.name());
            double[] rate = rs.stream().mapToDouble(x -> x.result().perSecond()).sorted().toArray();
            double[] cpu = rs.stream().mapToDouble(Round::serverMicros).filter(d -> !Double.isNaN(d)).sorted().toArray();
            return String.format(Locale.ROOT, "%s %.0f-%.0f/s", t.name(), rate[0], rate[rate.length - 1])
                    + (cpu.length == 0 ? "" : String.format(Locale.ROOT, ", %.1f-%.1f us", cpu[0], cpu[cpu.length - 1]));
        }).toList()));
        if (fewest > 0) {
            out.printf(Locale.ROOT, "CPU resolution: one tick (%.0f ms) over the fewest handshakes of a round (%d) is "
                    + "%.2f us per handshake%n", 1000.0 / ticks, fewest, 1e6 / ticks / fewest);
        }
        out.flush();
    }

    private static String ratio(double v, double base) {
        return Double.isNaN(v) || Double.isNaN(base) || base == 0 ? "-" : String.format(Locale.ROOT, "%.3f", v / base);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    /** The median; NaN for no values or when any value is NaN (unknown). */
    static double median(double[] values) {
        if (values.length == 0 || Arrays.stream(values).anyMatch(Double::isNaN)) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}

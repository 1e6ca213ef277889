package org.msnp.dispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.cli.Main;
import picocli.CommandLine;

/** {@code msnp-dispatch bench targets}: several servers in one run, in turn. */
class TargetsCommandTest {
    private static final Path C_SOURCE = Path.of("../shared/tools/cceiling.c");

    private record Run(int status, String out) {
    }

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "targets";
        System.arraycopy(args, 0, all, 2, args.length);
        int status = cl.execute(all);
        return new Run(status, out + err.toString());
    }

    @Test
    void roundsAlternateBetweenAnInProcessServerAndACeilingProcessWithExactCounts() throws Exception {
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        Application app = Application.start(KnownConfig.config("127.0.0.1:0", "60s"), record ->
                outcomes.computeIfAbsent(record.summary().outcomeLabel(), k -> new AtomicLong()).incrementAndGet());
        try {
            Run r = bench("--start-netty-ceiling", "--target", "ours=127.0.0.1:" + app.tcpAddress().getPort(),
                    "-n", "100", "-c", "8,3", "--rounds", "2", "--warmup", "0", "--first-warmup", "0", "--baseline", "ours");

            assertThat(r.status()).as(r.out()).isZero();
            String o = r.out();
            // Each round starts one target further on: netty, ours; then ours, netty.
            for (String c : List.of("8", "3")) {
                String part = o.substring(o.indexOf("== " + c + " in flight"));
                assertThat(part).containsPattern("(?s)netty#1 .*ours#1 .*ours#2 .*netty#2 ");
                for (String label : List.of("netty#1", "ours#1", "ours#2", "netty#2")) {
                    assertThat(part).containsPattern("(?m)^" + label + " +\\d+ handshakes/s  100 completed, 0 errors, 100 started");
                }
            }
            // The ceiling process is known by its pid: its CPU per handshake and memory are read.
            assertThat(o).containsPattern("(?m)^netty#1 .*server CPU [0-9.]+ us/handshake \\(\\d+ ticks\\).*RSS [0-9.]+ MiB \\(peak [0-9.]+\\)")
                    .containsPattern("(?m)^ours#1 .*server CPU - us/handshake \\(- ticks\\).*RSS -; other processes [0-9.]+ cores$")
                    .containsPattern("(?m)^8 in flight: median of 2 rounds per target; ratios against ours$")
                    .containsPattern("(?m)^ours +\\d+ +1\\.000 .* 0 +[0-9.]+$")
                    .containsPattern("(?m)^netty +\\d+ +[0-9.]+ .* 0 +[0-9.]+$")
                    .contains("result: every handshake answered as expected");
            // Our server saw exactly its 2 concurrency levels x 2 rounds x 100 handshakes: 18 XFR and 2 CVQ in 20.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (app.tcp().openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(outcomes.get("xfr")).hasValue(360);
            assertThat(outcomes.get("cvq-answered")).hasValue(40);
        } finally {
            app.stopNow();
        }
    }

    @Test
    void aDsNsTargetIsComparedWithADispatchServer() throws Exception {
        Application app = Application.start(KnownConfig.config("127.0.0.1:0", "60s"), record -> { });
        try (TinyServer dsNs = TinyServers.dsNs()) {
            Run r = bench("--target", "ds=127.0.0.1:" + app.tcpAddress().getPort(), "--target",
                    "dsns=127.0.0.1:" + dsNs.address().getPort(), "--ds-ns", "dsns", "--mix", "MSNP8,MSNP15",
                    "-n", "40", "-c", "4", "--rounds", "1", "--warmup", "0", "--first-warmup", "0");

            assertThat(r.status()).as(r.out()).isZero();
            assertThat(r.out()).contains("DS+NS (the client closes after USR … S)")
                    .containsPattern("(?m)^ds#1 +\\d+ handshakes/s  40 completed, 0 errors")
                    .containsPattern("(?m)^dsns#1 +\\d+ handshakes/s  40 completed, 0 errors");
            assertThat(dsNs.serverCloses()).isZero();
        } finally {
            app.stopNow();
        }
    }

    @Test
    void aClientThatStaysIsHeldForTheCloseWaitOrLetGoAtOnce() throws Exception {
        String known = KnownConfig.yaml("127.0.0.1:0", "60s");
        Application waits = Application.start(org.msnp.dispatch.config.ConfigLoader.parse(
                known.replace("limits:\n", "limits:\n  close-wait: \"400ms\"\n"), "test"), record -> { });
        Application atOnce = Application.start(org.msnp.dispatch.config.ConfigLoader.parse(
                known + "protocol:\n  closing: at-once\n", "test"), record -> { });
        try {
            Run r = bench("--target", "waits=127.0.0.1:" + waits.tcpAddress().getPort(), "--target",
                    "at-once=127.0.0.1:" + atOnce.tcpAddress().getPort(), "--client-stays", "--mix", "MSNP8",
                    "-n", "20", "-c", "10", "--rounds", "1", "--warmup", "0", "--first-warmup", "0");

            assertThat(r.status()).as(r.out()).isZero();
            assertThat(r.out()).contains("the client stays after the last reply until the server closes")
                    .containsPattern("(?m)^at-once#1 +\\d+ handshakes/s  20 completed, 0 errors");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "(?m)^waits#1 +\\d+ handshakes/s  20 completed, 0 errors.* p50 ([0-9.]+),").matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            // Nobody closes before the close-wait is over.
            assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(400);
        } finally {
            waits.stopNow();
            atOnce.stopNow();
        }
    }

    @Test
    void pacedRoundsRunEveryTargetAtOneRateAndIdleConnectionsAreHeldBesideTheLoad() throws Exception {
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        Application app = Application.start(KnownConfig.config("127.0.0.1:0", "1h"), record ->
                outcomes.computeIfAbsent(record.summary().outcomeLabel(), k -> new AtomicLong()).incrementAndGet());
        try {
            Run r = bench("--start-netty-ceiling", "--target", "ours=127.0.0.1:" + app.tcpAddress().getPort(),
                    "--idle", "50", "--paced-fraction", "0.5", "--paced-rounds", "2", "-d", "1", "-c", "4", "--rounds", "1", "--warmup", "0",
                    "--first-warmup", "0", "--baseline", "ours");

            assertThat(r.status()).as(r.out()).isZero();
            String o = r.out();
            // each target holds its idle connections from a process of its own, all of them answered
            assertThat(o).containsPattern("(?m)^idle: netty: held 50 failed 0 in ").containsPattern("(?m)^idle: ours: held 50 failed 0 in ");
            // the paced rate is half the lower of the two closed-loop medians, the same for both
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "== paced at (\\d+) handshakes/s \\(0\\.50 of the lowest median rate above, (\\d+)/s\\)").matcher(o);
            assertThat(m.find()).as(o).isTrue();
            long rate = Long.parseLong(m.group(1));
            long lowest = Long.parseLong(m.group(2));
            assertThat((double) rate).isCloseTo(lowest / 2.0, org.assertj.core.data.Offset.offset(1.0));
            String paced = o.substring(m.start());
            assertThat(paced).containsPattern("(?m)^ours@1 .* 0 errors").containsPattern("(?m)^netty@1 .* 0 errors")
                    .containsPattern("(?m)^ours@2 .* 0 errors").containsPattern("(?m)^netty@2 .* 0 errors")
                    .doesNotContainPattern("(?m)^ours@3 ")
                    .containsPattern("(?m)^paced, at most 4 in flight: median of 2 rounds per target; ratios against ours$")
                    .containsPattern("(?m)^p99 at \\d+/s as a ratio to ours's: netty [0-9.]+, ours 1\\.000$")
                    .containsPattern("(?m)^p99 of all rounds' handshakes together: netty [0-9.]+ ms \\([0-9.]+\\), ours [0-9.]+ ms \\(1\\.000\\)$")
                    .containsPattern("(?m)^p99 round by round against ours's round of the same turn: netty median [0-9.]+ \\([0-9.]+-[0-9.]+\\)$");
            // paced for 1 s at that rate: about rate handshakes, none failed
            java.util.regex.Matcher done = java.util.regex.Pattern.compile("(?m)^ours@1 +\\d+ handshakes/s  (\\d+) completed, 0 errors")
                    .matcher(paced);
            assertThat(done.find()).isTrue();
            assertThat(Long.parseLong(done.group(1))).isBetween(rate / 2, rate * 2);
        } finally {
            app.stopNow();
        }
    }

    @Test
    void withProxyHeaderEveryConnectionOfTheLoadAndOfTheIdleClientBeginsWithOne() throws Exception {
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        Application app = Application.start(org.msnp.dispatch.config.ConfigLoader.parse(
                KnownConfig.yaml("127.0.0.1:0", "1h") + "proxy-protocol: true\n", "test"), record ->
                outcomes.computeIfAbsent(record.summary().outcomeLabel(), k -> new AtomicLong()).incrementAndGet());
        try {
            String target = "behind=127.0.0.1:" + app.tcpAddress().getPort();
            Run with = bench("--target", target, "--proxy-header", "--idle", "20", "--mix", "MSNP8", "-n", "40", "-c", "4",
                    "--rounds", "1", "--warmup", "0", "--first-warmup", "0");
            assertThat(with.status()).as(with.out()).isZero();
            assertThat(with.out()).contains("; every connection opens with a PROXY v1 header")
                    .containsPattern("(?m)^idle: behind: held 20 failed 0 in ")
                    .containsPattern("(?m)^behind#1 +\\d+ handshakes/s  40 completed, 0 errors");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((outcomes.get("xfr") == null || outcomes.get("xfr").get() < 40) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(outcomes.get("xfr")).as("every handshake reached the conversation").hasValue(40);

            // the same server without the header: every connection is refused before its first line
            Run without = bench("--target", target, "--mix", "MSNP8", "-n", "10", "-c", "2", "--rounds", "1",
                    "--warmup", "0", "--first-warmup", "0", "--timeout", "2000");
            assertThat(without.out()).containsPattern("(?m)^behind#1 .* 0 completed, 10 errors");
        } finally {
            app.stopNow();
        }
    }

    @Test
    void theProxyHeaderIsNotForTheCeilings() {
        Run r = bench("--start-c-ceiling", "--proxy-header", "--mix", "MSNP8", "-n", "1");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("--proxy-header: the C servers and the Netty ceiling read no PROXY header");
    }

    @Test
    void theCServerIsCompiledStartedAndMeasuredByItsProcess() {
        // a missing part fails the test, it is never skipped: .ci/run installs a compiler, and the
        // project's notes (../shared) lie beside every checkout
        assertThat(Files.isReadable(C_SOURCE)).as("the C server's source %s is next to the project", C_SOURCE).isTrue();
        assertThat(ServerProcesses.onPath("cc")).as("a C compiler (cc) on the PATH: apt-get install gcc").isPresent();
        Run r = bench("--start-c-ceiling", "--c-ceiling-source", C_SOURCE.toString(), "--mix", "MSNP8", "-n", "60",
                "-c", "4", "--rounds", "1", "--warmup", "0", "--first-warmup", "0");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("replies checked by shape: C epoll server cceiling.c")
                .containsPattern("(?m)^c#1 +\\d+ handshakes/s  60 completed, 0 errors, 60 started.*server CPU [0-9.]+ us/handshake");
    }

    @Test
    void theCServerThatWaitsForTheClientIsMeasuredBesideTheOther() throws Exception {
        Path wait = Path.of("bench/cceiling-close-wait.c");
        assertThat(Files.isReadable(wait)).as("%s in the project", wait).isTrue();
        Run r = bench("--start-c-ceiling", "--c-ceiling-source", C_SOURCE.toString(), "--start-c-close-wait", "--mix", "MSNP8",
                "-n", "60", "-c", "4", "--rounds", "1", "--warmup", "0", "--first-warmup", "0");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("C epoll server cceiling.c").contains("C epoll server cceiling-close-wait.c")
                .containsPattern("(?m)^c-wait#1 +\\d+ handshakes/s  60 completed, 0 errors, 60 started.*server CPU [0-9.]+ us/handshake");
    }

    @Test
    void theCServerWithoutACompilerFailsClearly() throws Exception {
        // A bench whose PATH has no cc at all.
        ProcessBuilder pb = new ProcessBuilder(Machine.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                Machine.MAIN, "bench", "targets", "--start-c-ceiling", "--mix", "MSNP8", "-n", "1")
                .redirectErrorStream(true);
        pb.environment().put("PATH", Files.createTempDirectory("no-cc").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("bench targets: --start-c-ceiling needs a C compiler, and there is no 'cc' on the PATH");
    }

    @Test
    void aMissingCloseWaitSourceIsNamedWithItsOwnOption() {
        Run r = bench("--start-c-close-wait", "--c-close-wait-source", "/nonexistent/wait.c", "--mix", "MSNP8", "-n", "1");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("--start-c-close-wait: no C source at /nonexistent/wait.c (give it with --c-close-wait-source)");
    }

    @Test
    void theCServerNeedsTheMsnp8Mix() {
        Run r = bench("--start-c-ceiling", "-n", "1");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("the C server answers every connection with the MSNP8 handshake").contains("--mix MSNP8");
    }

    @Test
    void pacedRoundsAreAtLeastOne() {
        Run r = bench("--target", "a=127.0.0.1:1", "--paced-fraction", "0.5", "--paced-rounds", "0", "-n", "1");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("rounds, paced rounds and concurrency must be positive");
    }

    @Test
    void aJarThatIsNotThereFailsClearly() {
        Run r = bench("--start-jar", "old=/nonexistent/old.jar:-Xmx64m", "-n", "1");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("--start-jar old: no jar at /nonexistent/old.jar");
    }

    @Test
    void targetsAreNamedOnceAndTheBaselineIsOneOfThem() {
        assertThat(bench("--target", "a=127.0.0.1:1", "--target", "a=127.0.0.1:2").out())
                .contains("two targets are called 'a'");
        assertThat(bench("--target", "a=127.0.0.1:1", "--baseline", "b").out())
                .contains("--baseline b: no such target (a)");
        assertThat(bench().out()).contains("no targets: give --target, --start-c-ceiling, --start-netty-ceiling or --start-jar");
    }

    @Test
    void targetAndJarSpecificationsAreParsed() {
        TargetSpec plain = TargetSpec.parse("ours=127.0.0.1:1863");
        TargetSpec withPid = TargetSpec.parse("c=127.0.0.1:1863:4242");
        TargetSpec v6 = TargetSpec.parse("v6=[::1]:1863:7");

        assertThat(plain.address().getPort()).isEqualTo(1863);
        assertThat(plain.pid()).isEmpty();
        assertThat(withPid.address().getPort()).isEqualTo(1863);
        assertThat(withPid.pid()).hasValue(4242);
        assertThat(v6.address().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(v6.pid()).hasValue(7);
        assertThatThrownBy(() -> TargetSpec.parse("127.0.0.1:1863")).hasMessageContaining("NAME=HOST:PORT[:PID]");
        assertThatThrownBy(() -> TargetSpec.parse("a b=127.0.0.1:1863")).hasMessageContaining("a target name is");
        assertThat(TargetsCommand.jarSpec("old=/opt/x/old.jar:-XX:+UseG1GC -Xmx1g"))
                .containsExactly("old", "/opt/x/old.jar", "-XX:+UseG1GC -Xmx1g");
        assertThat(TargetsCommand.jarSpec("new=target/msnp-dispatch.jar")).containsExactly("new", "target/msnp-dispatch.jar", "");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(TargetsCommand.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(TargetsCommand.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(TargetsCommand.median(new double[] {1, Double.NaN})).isNaN();
    }

    @Test
    void thePacedP99IsReadByRoundTogetherAndRoundByRound() {
        // the baseline's two rounds: every handshake 10 ms, then every one 2 ms; the other's 5, then 3
        Map<String, List<org.HdrHistogram.Histogram>> rounds = new java.util.LinkedHashMap<>();
        rounds.put("c", List.of(flat(10), flat(2)));
        rounds.put("ours", List.of(flat(5), flat(3)));
        String s = TargetsCommand.p99Summary(1000, rounds, "c");

        // medians of the rounds' p99s: 6 and 4
        assertThat(number(s, "(?m)^p99 at 1000/s as a ratio to c's: c 1\\.000, ours ([0-9.]+)$")).isCloseTo(0.667, within(0.005));
        // all handshakes together: the baseline's p99 is its slow round's 10 ms, the other's 5 ms
        assertThat(number(s, "(?m)^p99 of all rounds' handshakes together: c ([0-9.]+) ms \\(1\\.000\\)")).isCloseTo(10, within(0.02));
        assertThat(number(s, "(?m)together: .*, ours [0-9.]+ ms \\(([0-9.]+)\\)$")).isCloseTo(0.5, within(0.005));
        // round by round: 5/10 and 3/2, median 1.0 (the other way round 1.33, the rounds crossed 1.4),
        // the baseline not compared with itself
        assertThat(s).containsPattern("(?m)^p99 round by round against c's round of the same turn: ours median (0\\.99\\d|1\\.00\\d) "
                + "\\(0\\.(49|50)\\d-(1\\.49\\d|1\\.50\\d)\\)$");
    }

    private static org.HdrHistogram.Histogram flat(long millis) {
        org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
        h.recordValueWithCount(millis * 1_000_000, 100);
        return h;
    }

    private static double number(String text, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

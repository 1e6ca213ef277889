package org.msnp.dispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.cli.Main;
import picocli.CommandLine;

/** {@code msnp-dispatch bench} as a user runs it. */
class BenchCommandTest {

    private record Run(int status, String out) {
    }

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int status = cl.execute(all);
        return new Run(status, out + err.toString());
    }

    @Test
    void selfWithCeilingCountsBothServersAndPrintsTheRatio() {
        Run r = bench("run", "--self", "--ceiling", "-n", "100", "-c", "8", "--warmup", "0.2", "--first-warmup", "0.3", "--rate", "400",
                "--server-log", "none");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).containsPattern("(?m)^ours +\\d+ handshakes/s +100 completed, 0 errors, 100 started in [0-9.]+ s, \\d+ us CPU per handshake")
                .containsPattern("(?m)^ceiling +\\d+ handshakes/s +100 completed, 0 errors, 100 started in [0-9.]+ s, \\d+ us CPU per handshake")
                .containsPattern("(?m)^ours@400 +\\d+ handshakes/s +100 completed, 0 errors")
                .containsPattern("\\(ours warm-up, 0\\.3 s, 0 errors\\)")
                .containsPattern("\\(ceiling warm-up, 0\\.3 s, 0 errors\\)")
                .contains("ratio ours/ceiling")
                .contains("replies checked byte for byte")
                .contains("result: every handshake answered as expected");
        Matcher m = Pattern.compile("p50 / p99 / p99.9 / max, to server close: ([0-9.]+) / ([0-9.]+) / ([0-9.]+) / ([0-9.]+)")
                .matcher(r.out());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isPositive().isLessThanOrEqualTo(Double.parseDouble(m.group(4)));
    }

    @Test
    void aForeignTargetAnsweringWrongLinesMakesTheCommandFail() throws Exception {
        try (TinyServer bad = new TinyServer((n, line) -> n == 0 ? "VER 1 MSNP8 CVR0" : "500 " + (n + 1))) {
            Run r = bench("run", "127.0.0.1:" + bad.address().getPort(), "-n", "40", "-c", "4", "--warmup", "0", "--first-warmup", "0");

            assertThat(r.status()).as(r.out()).isEqualTo(1);
            assertThat(r.out()).contains("replies checked by shape").contains("0 completed, 40 errors, 40 started")
                    .contains("wrong-reply").contains("result: 40 handshakes FAILED");
        }
    }

    @Test
    void anExperimentalCloseLingerReachesTheInProcessServer() {
        Run r = bench("run", "--self", "-n", "20", "-c", "2", "--warmup", "0", "--first-warmup", "0", "--close-linger", "50ms",
                "--server-log", "none");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("close-linger 50ms").contains("20 completed, 0 errors, 20 started");
    }

    @Test
    void aCloseLingerThatIsNoDurationIsAUsageError() {
        Run r = bench("run", "--self", "-n", "1", "--close-linger", "soon");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("'soon' is not a duration");
    }

    @Test
    void neitherTargetNorSelfIsAUsageError() {
        Run r = bench("run", "-n", "10");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("give either HOST:PORT or --self");
    }

    @Test
    void benchWithoutACommandNamesTheCommands() {
        Run r = bench();

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("give a command: run, targets, idle, startup, gateway or ceiling-server")
                .contains("targets").contains("ceiling-server");
    }

    @Test
    void anUnknownScriptInTheMixIsAUsageError() {
        Run r = bench("run", "--self", "-n", "1", "--mix", "MSNP8,MSNP99");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("unknown script 'MSNP99' in --mix").contains("MSNP21");
    }

    @Test
    void aDsNsServerIsLoadedUntilItsAuthenticationStepAndTheClientCloses() throws Exception {
        try (TinyServer dsNs = TinyServers.dsNs()) {
            Run r = bench("run", "127.0.0.1:" + dsNs.address().getPort(), "--ds-ns", "--mix", "MSNP8,MSNP15", "-n", "40",
                    "-c", "4", "--warmup", "0", "--first-warmup", "0");

            assertThat(r.status()).as(r.out()).isZero();
            assertThat(r.out()).contains("DS+NS").contains("40 completed, 0 errors, 40 started");
            dsNs.awaitEnded(40);
            assertThat(dsNs.serverCloses()).isZero();
        }
    }

    @Test
    void idleConnectionsAreHeldByAChildProcessAndMeasuredInThisOne() {
        Run r = bench("idle", "--self", "-k", "200", "--hold", "1", "--sample", "1", "--sources", "3", "--server-log", "none");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("idle: client held 200 failed 0")
                .containsPattern("(?m)^idle: +\\d+ s +200 ")
                .containsPattern("200 connections held 1 s: -?\\d+ B of heap per connection")
                .contains("client lost 0");
    }

    @Test
    void theInProcessServerWritesItsConnectionLogToTheFileGiven(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path log = dir.resolve("server.log");
        Run r = bench("run", "--self", "-n", "30", "-c", "3", "--warmup", "0", "--first-warmup", "0",
                "--server-log", log.toString());

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).doesNotContain("INFO  connection peer=");
        java.util.List<String> lines = java.nio.file.Files.readAllLines(log);
        assertThat(lines).hasSize(30).allMatch(l -> l.matches("\\S+ INFO  connection peer=127\\.0\\.0\\.\\d+:\\d+ transport=tcp .* outcome=\\S+ .*end=client-closed.*"));
    }

    @Test
    void idleConnectionsToAForeignTargetAreHeldAndCounted() throws Exception {
        org.msnp.dispatch.app.Application app = org.msnp.dispatch.app.Application.start(
                KnownConfig.config("127.0.0.1:0", "60s"), record -> { });
        try {
            Run r = bench("idle", "127.0.0.1:" + app.tcpAddress().getPort(), "-k", "100", "--hold", "0.3", "--sample", "0.3");

            assertThat(r.status()).as(r.out()).isZero();
            assertThat(r.out()).contains("idle: held 100 failed 0").contains("100 open, 0 lost")
                    .contains("pass --target-pid");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (app.tcp().openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(app.tcp().openConnections()).as("connections the bench left open").isZero();
        } finally {
            app.stopNow();
        }
    }

    @Test
    void startupTimesTheFirstHandshakeOfANewProcess() {
        Run r = bench("startup", "--runs", "1");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).containsPattern("startup: run 1: first complete handshake \\d+ ms after the process started");
    }

    @Test
    void gatewayHandshakesAreCountedWithoutErrors() {
        Run r = bench("gateway", "--self", "-c", "2", "-d", "0.5", "--first-warmup", "0", "--server-log", "none");

        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("gateway on 127.0.0.1:").containsPattern("gateway   gateway handshakes: \\d+/s")
                .contains(" 0 errors)");
    }

    @Test
    void gatewayLoadAgainstNothingListeningFails() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = bench("gateway", "127.0.0.1:" + port, "-c", "1", "-d", "0.3", "--first-warmup", "0");

        assertThat(r.status()).as(r.out()).isEqualTo(1);
    }
}

package org.msnp.dispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.app.Application;

/** The load generator against the real server, the ceiling and deliberately wrong servers. */
class LoadGeneratorTest {
    private static final Duration LONG = Duration.ofDays(1);
    private static final Map<String, AtomicLong> SERVER_OUTCOMES = new ConcurrentHashMap<>();
    private static Application app;
    private static LoadGenerator gen;

    @BeforeAll
    static void start() throws Exception {
        app = Application.start(KnownConfig.config("127.0.0.1:0", "60s"), record ->
                SERVER_OUTCOMES.computeIfAbsent(record.summary().outcomeLabel(), k -> new AtomicLong()).incrementAndGet());
        gen = new LoadGenerator(LoadGenerator.loopbackSources(4), Mix.standard(), 1, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        gen.close();
        app.stopNow();
    }

    private static LoadGenerator.Target ours(boolean exact) {
        return new LoadGenerator.Target(app.tcpAddress(), exact);
    }

    private static long total(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void countsExactlyTheHandshakesItMadeAgainstTheInProcessServer() throws Exception {
        SERVER_OUTCOMES.clear();
        Result r = gen.closedLoop("ours", ours(true), 16, 200, LONG);

        assertThat(r.failed()).as(r.report()).isZero();
        assertThat(r.started()).isEqualTo(200);
        assertThat(r.completed()).isEqualTo(200);
        assertThat(r.toClose().getTotalCount()).isEqualTo(200);
        assertThat(r.toReply().getTotalCount()).isEqualTo(200);
        assertThat(r.byFamily()).containsEntry("MSNP2-7", 30L).containsEntry("MSNP8-12", 50L)
                .containsEntry("MSNP13-20", 60L).containsEntry("MSNP21", 40L).containsEntry("CVR0-CVQ", 20L);
        // The server saw the same: 180 referrals and 20 CVQ answers, once each connection has closed.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (app.tcp().openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(SERVER_OUTCOMES.get("xfr")).hasValue(180);
        assertThat(SERVER_OUTCOMES.get("cvq-answered")).hasValue(20);
    }

    @Test
    void replyShapesOfOurServerPassTheForeignTargetCheck() throws Exception {
        Result r = gen.closedLoop("shape", ours(false), 8, 60, LONG);

        assertThat(r.failed()).as(r.report()).isZero();
        assertThat(r.completed()).isEqualTo(60);
    }

    @Test
    void shapeChecksPassAgainstAServerWithTheEmbeddedDefaults() throws Exception {
        // Another configuration (MSNP2..MSNP23, no version rules): only the shapes are known.
        Application other = Application.start(org.msnp.dispatch.config.ConfigLoader.parse(
                "listen: \"127.0.0.1:0\"\nadmin:\n  enabled: false\n", "test"), record -> { });
        try {
            Result shape = gen.closedLoop("shape", new LoadGenerator.Target(other.tcpAddress(), false), 8, 100, LONG);
            Result exact = gen.closedLoop("exact", new LoadGenerator.Target(other.tcpAddress(), true), 8, 100, LONG);

            assertThat(shape.failed()).as(shape.report()).isZero();
            assertThat(shape.completed()).isEqualTo(100);
            // Byte for byte, the referrals (another NS) and CVR answers (no rules) differ.
            assertThat(exact.completed()).isLessThan(100);
            assertThat(exact.errors()).containsOnlyKeys("wrong-reply");
        } finally {
            other.stopNow();
        }
    }

    @Test
    void theCeilingAnswersEveryScriptExactly() throws Exception {
        try (CeilingServer ceiling = new CeilingServer(Mix.standard(), 2)) {
            LoadGenerator.Target t = new LoadGenerator.Target(ceiling.start("127.0.0.1"), true);
            Result r = gen.closedLoop("ceiling", t, 16, 200, LONG);

            assertThat(r.failed()).as(r.report()).isZero();
            assertThat(r.completed()).isEqualTo(200);
        }
    }

    @Test
    void aServerWithOneWrongTokenFailsExactlyTheHandshakesThatMeetIt() throws Exception {
        // The MSNP21 referral carries XfrCount 1 instead of 2: only MSNP21 handshakes (4 in 20) are wrong.
        List<Handshake> scripts = new ArrayList<>(Mix.ALL);
        scripts.set(scripts.indexOf(Mix.MSNP21), Handshake.of("MSNP21", "MSNP21",
                "VER 1 MSNP21 MSNP20 MSNP19 MSNP18 MSNP17 CVR0", "VER 1 MSNP21 CVR0",
                "CVR 2 0x0407 winnt 6.1.0 i386 MSNMSGR 15.4.3508.1109 MSNMSGR frank@live.de " + Mix.STATE_1,
                "CVR 2 " + Mix.WLM2011.formatted("de-de/"),
                "USR 3 SSO I frank@live.de", "XFR 3 NS " + KnownConfig.NS + " U D " + Mix.STATE_1));
        try (CeilingServer wrong = new CeilingServer(scripts, 1)) {
            LoadGenerator.Target t = new LoadGenerator.Target(wrong.start("127.0.0.1"), true);
            Result r = gen.closedLoop("wrong", t, 8, 100, LONG);

            assertThat(r.started()).isEqualTo(100);
            assertThat(r.completed()).isEqualTo(80);
            assertThat(r.failed()).isEqualTo(20);
            assertThat(r.errors()).containsOnly(Map.entry("wrong-reply", 20L));
            assertThat(r.examples().get(0)).contains("MSNP21 reply 3").contains(Mix.STATE_2).contains(Mix.STATE_1);
            assertThat(r.byFamily()).containsEntry("MSNP21", 0L).containsEntry("MSNP8-12", 25L);
        }
    }

    @Test
    void aServerAnsweringABadLineFailsEveryHandshakeInBothModes() throws Exception {
        try (TinyServer bad = new TinyServer((n, line) -> "VER 1 MSNP9 CVR0")) {
            for (boolean exact : new boolean[] {true, false}) {
                Result r = gen.closedLoop("bad", new LoadGenerator.Target(bad.address(), exact), 8, 50, LONG);

                assertThat(r.completed()).as(r.report()).isZero();
                assertThat(r.failed()).isEqualTo(50);
                assertThat(total(r.errors())).isEqualTo(50);
                assertThat(r.errors()).containsKey("wrong-reply");
            }
        }
    }

    @Test
    void aServerThatClosesBeforeTheReferralFailsTheHandshake() throws Exception {
        try (LoadGenerator one = new LoadGenerator(List.of(), List.of(Mix.MSNP8), 1, Duration.ofSeconds(5));
             TinyServer early = new TinyServer((n, line) -> n == 0 ? "VER 1 MSNP8 CVR0" : null)) {
            Result r = one.closedLoop("early", new LoadGenerator.Target(early.address(), true), 4, 20, LONG);

            assertThat(r.completed()).isZero();
            assertThat(r.errors()).containsOnly(Map.entry("closed-early", 20L));
        }
    }

    @Test
    void aServerThatNeverClosesAfterTheReferralTimesOut() throws Exception {
        List<Handshake.Exchange> ex = Mix.MSNP8.exchanges();
        try (LoadGenerator one = new LoadGenerator(List.of(), List.of(Mix.MSNP8), 1, Duration.ofMillis(300));
             TinyServer open = new TinyServer((n, line) -> n < ex.size() ? Handshake.text(ex.get(n).reply()).trim() : null, true)) {
            Result r = one.closedLoop("open", new LoadGenerator.Target(open.address(), true), 4, 8, LONG);

            assertThat(r.completed()).isZero();
            assertThat(r.errors()).containsOnly(Map.entry("timeout", 8L));
        }
    }

    @Test
    void aStoppedServerCountsConnectErrors() throws Exception {
        TinyServer gone = new TinyServer((n, line) -> null);
        LoadGenerator.Target t = new LoadGenerator.Target(gone.address(), true);
        gone.close();

        Result r = gen.closedLoop("gone", t, 4, 12, LONG);

        assertThat(r.completed()).isZero();
        assertThat(r.errors()).containsOnly(Map.entry("connect", 12L));
    }

    @Test
    void aDsNsServerEndsTheHandshakeWithItsAuthenticationStepAndTheClientCloses() throws Exception {
        // MSNP8 gets USR 3 TWN S; MSNP15 gets a GCF block with its payload, then USR 3 SSO S.
        try (LoadGenerator two = new LoadGenerator(List.of(), List.of(Mix.MSNP8, Mix.MSNP15), 1, Duration.ofSeconds(5));
             TinyServer dsNs = TinyServers.dsNs()) {
            LoadGenerator.Target t = new LoadGenerator.Target(dsNs.address(), false, Ending.DS_NS);
            Result r = two.closedLoop("ds-ns", t, 4, 30, LONG);

            assertThat(r.failed()).as(r.report()).isZero();
            assertThat(r.completed()).isEqualTo(30);
            assertThat(r.byFamily()).containsEntry("MSNP8-12", 15L).containsEntry("MSNP13-20", 15L);
            // Every connection ended because the client closed it: the server never did.
            assertThat(dsNs.awaitEnded(30)).isEqualTo(30);
            assertThat(dsNs.serverCloses()).isZero();
        }
    }

    @Test
    void theDsNsEndingIsWrongForADispatchServerAndTheDispatchEndingForADsNsServer() throws Exception {
        try (LoadGenerator one = new LoadGenerator(List.of(), List.of(Mix.MSNP8), 1, Duration.ofSeconds(5));
             TinyServer dsNs = TinyServers.dsNs()) {
            Result referral = one.closedLoop("xfr", new LoadGenerator.Target(app.tcpAddress(), false, Ending.DS_NS), 4, 10, LONG);
            Result challenge = one.closedLoop("usr", new LoadGenerator.Target(dsNs.address(), false, Ending.FOLLOW), 4, 10, LONG);

            assertThat(referral.errors()).as(referral.report()).containsOnly(Map.entry("wrong-reply", 10L));
            assertThat(referral.examples().get(0)).contains("expected 'USR 3 … S …' or a GCF block, got 'XFR 3 NS ");
            assertThat(challenge.errors()).as(challenge.report()).containsOnly(Map.entry("wrong-reply", 10L));
            assertThat(challenge.examples().get(0)).contains("expected 'XFR 3 NS …', got 'USR 3 TWN S");
        }
    }

    @Test
    void aClientThatStaysIsDoneWhenTheServerCloses() throws Exception {
        try (CeilingServer ceiling = new CeilingServer(Mix.ALL, 1)) {
            LoadGenerator.Target t = new LoadGenerator.Target(ceiling.start("127.0.0.1"), true, Ending.STAY);
            Result r = gen.closedLoop("stay", t, 8, 60, LONG);

            assertThat(r.failed()).as(r.report()).isZero();
            assertThat(r.completed()).isEqualTo(60);
        }
    }

    @Test
    void aNamedMixPlaysItsScriptsInTurn() {
        assertThat(Mix.named("msnp8,MSNP21")).containsExactly(Mix.MSNP8, Mix.MSNP21);
        assertThat(Mix.named("standard")).isEqualTo(Mix.standard());
    }

    @Test
    void aPacedRunStartsConnectionsAtTheGivenRate() throws Exception {
        Result r = gen.paced("paced", ours(true), 500, 64, 100, LONG);

        assertThat(r.failed()).as(r.report()).isZero();
        assertThat(r.completed()).isEqualTo(100);
        // 100 connections at 500/s cannot all have started in less than 198 ms.
        assertThat(r.elapsedNanos()).isGreaterThan(Duration.ofMillis(190).toNanos());
        assertThat(r.perSecond()).isLessThan(520);
    }

    @Test
    void aTimedRunStopsStartingAtTheDeadline() throws Exception {
        Result r = gen.closedLoop("timed", ours(true), 4, Long.MAX_VALUE, Duration.ofMillis(300));

        assertThat(r.failed()).isZero();
        assertThat(r.completed()).isPositive().isEqualTo(r.started());
        assertThat(r.elapsedNanos()).isBetween(Duration.ofMillis(300).toNanos(), Duration.ofSeconds(6).toNanos());
    }
}

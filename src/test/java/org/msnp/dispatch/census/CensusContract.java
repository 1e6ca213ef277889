package org.msnp.dispatch.census;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.census.CensusQueries.BuildCount;
import org.msnp.dispatch.census.CensusQueries.OutcomeCount;
import org.msnp.dispatch.census.CensusQueries.Period;
import org.msnp.dispatch.census.CensusQueries.Range;
import org.msnp.dispatch.census.CensusQueries.Row;
import org.msnp.dispatch.census.CensusQueries.Share;
import org.msnp.dispatch.census.CensusQueries.VerdictCount;
import org.msnp.dispatch.config.CensusConfig;

/**
 * What the census does on any database it supports; each engine's test class supplies a fresh,
 * real database per test.
 */
abstract class CensusContract {
    static final Instant T0 = Instant.parse("2026-10-01T10:30:00Z");
    static final Instant HOUR_10 = Instant.parse("2026-10-01T10:00:00Z");
    static final Instant HOUR_11 = Instant.parse("2026-10-01T11:00:00Z");
    static final Range OCTOBER_1 = Range.of(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-10-02T00:00:00Z"));

    final TestClock clock = new TestClock(T0);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Census> started = new ArrayList<>();
    /** Closed after the censuses (pools, servers). */
    final List<AutoCloseable> resources = new ArrayList<>();

    /** A fresh database for this test. */
    abstract DataSource database() throws Exception;

    Census census(DataSource ds, String node, CensusConfig settings) {
        Census c = Census.start(ds, node, settings, registry, clock, () -> { });
        started.add(c);
        return c;
    }

    @AfterEach
    void closeCensuses() throws Exception {
        started.forEach(Census::close);
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    static void count(Census c, CensusKey key, int times) {
        for (int i = 0; i < times; i++) {
            c.count(key);
        }
    }

    static long sum(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COALESCE(SUM(conversations), 0) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    static long rows(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    static Map<CensusKey, Long> perKey(List<Row> rows) {
        Map<CensusKey, Long> m = new HashMap<>();
        rows.forEach(r -> m.merge(r.key(), r.conversations(), Long::sum));
        return m;
    }

    @Test
    void aKnownSetOfConversationsIsStoredExactly() throws Exception {
        DataSource ds = database();
        Census census = census(ds, "node-a", Keys.settings());
        count(census, Keys.MSNP8_XFR, 5);
        count(census, Keys.MSNP8_OLD, 3);
        count(census, Keys.CVR0_CVQ, 2);
        count(census, Keys.HTTP_XFR, 1);
        count(census, Keys.NO_DIALECT, 4);
        clock.set(T0.plus(Duration.ofHours(1)));
        count(census, Keys.MSNP8_XFR, 7);
        assertThat(census.flush()).isTrue();

        List<Row> rows = census.queries().rows(OCTOBER_1);
        assertThat(rows).extracting(Row::start).isSorted();
        assertThat(rows).extracting(Row::period, Row::start, Row::node, Row::key, Row::conversations).containsExactlyInAnyOrder(
                tuple(Period.HOUR, HOUR_10, "node-a", Keys.NO_DIALECT, 4L),
                tuple(Period.HOUR, HOUR_10, "node-a", Keys.HTTP_XFR, 1L),
                tuple(Period.HOUR, HOUR_10, "node-a", Keys.CVR0_CVQ, 2L),
                tuple(Period.HOUR, HOUR_10, "node-a", Keys.MSNP8_OLD, 3L),
                tuple(Period.HOUR, HOUR_10, "node-a", Keys.MSNP8_XFR, 5L),
                tuple(Period.HOUR, HOUR_11, "node-a", Keys.MSNP8_XFR, 7L));
        assertThat(sum(ds, "census_hourly")).isEqualTo(22);
        assertThat(Keys.NO_DIALECT.library()).isEqualTo("-");

        // A second flush adds only what was counted since.
        count(census, Keys.MSNP8_XFR, 2);
        assertThat(census.flush()).isTrue();
        assertThat(census.flush()).isTrue();
        assertThat(sum(ds, "census_hourly")).isEqualTo(24);
        assertThat(rows(ds, "census_hourly")).isEqualTo(6);
        assertThat(census.unwritten()).isZero();
        assertThat(registry.get("msnp.census.written").functionCounter().count()).isEqualTo(24);
        assertThat(registry.get("msnp.census.counted").functionCounter().count()).isEqualTo(24);
    }

    @Test
    void theQueriesAnswerByHourOutcomeDialectBuildLocaleAndVerdict() throws Exception {
        DataSource ds = database();
        Census a = census(ds, "node-a", Keys.settings());
        Census b = census(ds, "node-b", Keys.settings());
        count(a, Keys.MSNP8_XFR, 5);
        count(a, Keys.MSNP8_OLD, 3);
        count(b, Keys.CVR0_CVQ, 2);
        count(b, Keys.MSNP8_XFR, 1);
        clock.set(T0.plus(Duration.ofHours(1)));
        count(a, Keys.HTTP_XFR, 4);
        assertThat(a.flush()).isTrue();
        assertThat(b.flush()).isTrue();
        CensusQueries q = a.queries();

        assertThat(q.total(OCTOBER_1)).isEqualTo(15);
        assertThat(q.total(OCTOBER_1.node("node-b"))).isEqualTo(3);
        assertThat(q.total(Range.of(HOUR_11, HOUR_11.plus(Duration.ofHours(1))))).isEqualTo(4);
        assertThat(q.nodes(OCTOBER_1)).containsExactly("node-a", "node-b");
        assertThat(q.outcomesOverTime(OCTOBER_1)).containsExactly(
                new OutcomeCount(Period.HOUR, HOUR_10, "cvq-answered", 2),
                new OutcomeCount(Period.HOUR, HOUR_10, "xfr", 9),
                new OutcomeCount(Period.HOUR, HOUR_11, "xfr", 4));
        assertThat(q.verdictsOverTime(OCTOBER_1.node("node-a"))).containsExactly(
                new VerdictCount(Period.HOUR, HOUR_10, "current", 5),
                new VerdictCount(Period.HOUR, HOUR_10, "upgrade-offered", 3),
                new VerdictCount(Period.HOUR, HOUR_11, "current", 4));
        assertThat(q.byDialect(OCTOBER_1)).containsExactly(new Share("MSNP8", 9), new Share("MSNP12", 4),
                new Share("CVR0", 2));
        assertThat(q.byLocale(OCTOBER_1)).containsExactly(new Share("0x0409", 9), new Share("0x0407", 4),
                new Share("0x0411", 2));
        assertThat(q.byVerdict(OCTOBER_1)).containsExactly(new Share("current", 10), new Share("upgrade-offered", 3),
                new Share("below-minimum", 2));
        assertThat(q.byOutcome(OCTOBER_1)).containsExactly(new Share("xfr", 13), new Share("cvq-answered", 2));
        assertThat(q.topBuilds(OCTOBER_1, 2)).containsExactly(new BuildCount("MSNMSGR", "6.0.0602", 6),
                new BuildCount("MSNMSGR", "7.5.0324", 4));
        assertThat(q.topBuilds(OCTOBER_1.node("node-b"), 10)).containsExactly(new BuildCount("MSMSGS", "4.7.3001", 2),
                new BuildCount("MSNMSGR", "6.0.0602", 1));
        assertThat(q.rows(Range.of(Instant.parse("2026-10-02T00:00:00Z"), Instant.parse("2026-10-03T00:00:00Z")))).isEmpty();
    }

    @Test
    void theConsoleReadsClientsAndNodes() throws Exception {
        DataSource ds = database();
        Census a = census(ds, "node-a", Keys.settings());
        Census b = census(ds, "node-b", Keys.settings());
        count(a, Keys.MSNP8_XFR, 3);
        count(a, Keys.NO_DIALECT, 2);
        count(b, Keys.MSNP8_XFR, 1);
        count(b, Keys.CVR0_CVQ, 2);
        count(b, new CensusKey("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "winnt", "0x0411", "xfr", "current"), 1);
        assertThat(a.flush()).isTrue();
        assertThat(b.flush()).isTrue();
        CensusQueries q = a.queries();

        // clients that reported themselves, per build, OS type and locale, most first
        assertThat(q.clients(OCTOBER_1)).containsExactly(
                new CensusQueries.ClientCount("MSNMSGR", "6.0.0602", "winnt", "0x0409", 4),
                new CensusQueries.ClientCount("MSMSGS", "4.7.3001", "win", "0x0411", 2),
                new CensusQueries.ClientCount("MSNMSGR", "6.0.0602", "winnt", "0x0411", 1));
        assertThat(q.clients(OCTOBER_1.node("node-a"))).containsExactly(
                new CensusQueries.ClientCount("MSNMSGR", "6.0.0602", "winnt", "0x0409", 3));
        assertThat(q.byNode(OCTOBER_1)).containsExactly(new Share("node-a", 5), new Share("node-b", 4));
    }

    @Test
    void countingFromManyThreadsWhileFlushingLosesAndDoublesNothing() throws Exception {
        DataSource ds = database();
        Census census = census(ds, "node-a", Keys.settings());
        int threads = 4;
        int perThread = 25_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    census.count(Keys.build("6.0." + (i % 20)));
                }
                return null;
            }));
        }
        go.countDown();
        int flushes = 0;
        while (!running.stream().allMatch(Future::isDone)) {
            assertThat(census.flush()).isTrue();
            flushes++;
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        assertThat(census.flush()).isTrue();
        assertThat(flushes).isPositive();
        assertThat(sum(ds, "census_hourly")).isEqualTo((long) threads * perThread);
        assertThat(perKey(census.queries().rows(OCTOBER_1)).values()).hasSize(20)
                .allSatisfy(n -> assertThat(n).isEqualTo((long) threads * perThread / 20));
    }

    @Test
    void theRetentionRollsOldHoursIntoDaysOnceAndKeepsTheTotals() throws Exception {
        DataSource ds = database();
        Census census = census(ds, "node-a", Keys.settings());
        count(census, Keys.MSNP8_XFR, 2);
        count(census, Keys.CVR0_CVQ, 1);
        clock.set(T0.plus(Duration.ofHours(1)));
        count(census, Keys.MSNP8_XFR, 3);
        clock.set(Instant.parse("2026-10-02T09:15:00Z"));
        count(census, Keys.MSNP8_XFR, 4);
        assertThat(census.flush()).isTrue();
        assertThat(rows(ds, "census_hourly")).isEqualTo(4);

        // 35 days after 2026-10-01 the cut-off is the start of 2026-10-01: nothing to roll yet.
        clock.set(Instant.parse("2026-11-05T12:00:00Z"));
        assertThat(census.prune()).isTrue();
        assertThat(rows(ds, "census_hourly")).isEqualTo(4);
        assertThat(rows(ds, "census_daily")).isZero();

        // A day later October 1 goes, whole; October 2 stays hourly.
        clock.set(Instant.parse("2026-11-06T00:20:00Z"));
        assertThat(census.prune()).isTrue();
        assertThat(rows(ds, "census_hourly")).isEqualTo(1);
        assertThat(sum(ds, "census_daily")).isEqualTo(6);
        assertThat(sum(ds, "census_hourly")).isEqualTo(4);
        Range twoDays = Range.of(Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-10-03T00:00:00Z"));
        List<Row> rows = census.queries().rows(twoDays);
        assertThat(rows).extracting(Row::start).isSorted();
        assertThat(rows).extracting(Row::period, Row::start, Row::key, Row::conversations).containsExactlyInAnyOrder(
                tuple(Period.DAY, Instant.parse("2026-10-01T00:00:00Z"), Keys.CVR0_CVQ, 1L),
                tuple(Period.DAY, Instant.parse("2026-10-01T00:00:00Z"), Keys.MSNP8_XFR, 5L),
                tuple(Period.HOUR, Instant.parse("2026-10-02T09:00:00Z"), Keys.MSNP8_XFR, 4L));
        assertThat(census.queries().outcomesOverTime(twoDays)).containsExactly(
                new OutcomeCount(Period.DAY, Instant.parse("2026-10-01T00:00:00Z"), "cvq-answered", 1),
                new OutcomeCount(Period.DAY, Instant.parse("2026-10-01T00:00:00Z"), "xfr", 5),
                new OutcomeCount(Period.HOUR, Instant.parse("2026-10-02T09:00:00Z"), "xfr", 4));
        assertThat(census.queries().total(twoDays)).isEqualTo(10);
        // A range that starts inside a rolled-up day leaves that day out.
        assertThat(census.queries().total(Range.of(Instant.parse("2026-10-01T12:00:00Z"),
                Instant.parse("2026-10-03T00:00:00Z")))).isEqualTo(4);

        // Running it again changes nothing.
        assertThat(census.prune()).isTrue();
        assertThat(sum(ds, "census_daily")).isEqualTo(6);
        assertThat(rows(ds, "census_daily")).isEqualTo(2);
        assertThat(sum(ds, "census_hourly")).isEqualTo(4);

        // Counts of an hour already rolled up (held in memory that long) go to its day's row.
        clock.set(Instant.parse("2026-10-02T09:20:00Z"));
        count(census, Keys.MSNP8_XFR, 10);
        clock.set(Instant.parse("2026-11-07T00:30:00Z"));
        assertThat(census.flush()).isTrue();
        assertThat(rows(ds, "census_daily")).isEqualTo(3);
        assertThat(sum(ds, "census_daily")).isEqualTo(16);
        assertThat(sum(ds, "census_hourly")).isEqualTo(4);
        assertThat(census.prune()).isTrue();
        assertThat(rows(ds, "census_daily")).isEqualTo(3);
        assertThat(sum(ds, "census_daily")).isEqualTo(20);
        assertThat(rows(ds, "census_hourly")).isZero();
    }

    @Test
    void twoNodesPruningAtOnceRollEachHourUpOnce() throws Exception {
        DataSource ds = database();
        Census a = census(ds, "node-a", Keys.settings());
        Census b = census(ds, "node-b", Keys.settings());
        for (int h = 0; h < 24; h++) {
            clock.set(Instant.parse("2026-10-01T00:30:00Z").plus(Duration.ofHours(h)));
            count(a, Keys.MSNP8_XFR, h + 1);
            count(b, Keys.CVR0_CVQ, 2);
        }
        assertThat(a.flush()).isTrue();
        assertThat(b.flush()).isTrue();
        clock.set(Instant.parse("2026-11-07T00:00:00Z"));
        ExecutorService two = Executors.newFixedThreadPool(2);
        Future<Boolean> pa = two.submit(a::prune);
        Future<Boolean> pb = two.submit(b::prune);
        assertThat(pa.get()).isTrue();
        assertThat(pb.get()).isTrue();
        two.shutdown();
        assertThat(rows(ds, "census_hourly")).isZero();
        assertThat(census(ds, "node-c", Keys.settings()).queries().rows(OCTOBER_1))
                .extracting(Row::period, Row::node, Row::key, Row::conversations).containsExactly(
                        tuple(Period.DAY, "node-a", Keys.MSNP8_XFR, 300L),
                        tuple(Period.DAY, "node-b", Keys.CVR0_CVQ, 48L));
    }

    @Test
    void closeWritesWhatIsPendingAndLaterCountsAreDropped() throws Exception {
        DataSource ds = database();
        Census census = census(ds, "node-a", Keys.settings());
        count(census, Keys.MSNP8_XFR, 3);
        clock.set(T0.plus(Duration.ofHours(1)));
        count(census, Keys.HTTP_XFR, 2);
        census.close();
        assertThat(sum(ds, "census_hourly")).isEqualTo(5);
        census.count(Keys.MSNP8_XFR);
        assertThat(census.droppedCount()).isEqualTo(1);
        census.close();
        assertThat(sum(ds, "census_hourly")).isEqualTo(5);
    }

    @Test
    void startingTwiceOnOneDatabaseMigratesOnce() throws Exception {
        DataSource ds = database();
        Census first = census(ds, "node-a", Keys.settings());
        count(first, Keys.MSNP8_XFR, 1);
        first.close();
        Census second = census(ds, "node-a", Keys.settings());
        count(second, Keys.MSNP8_XFR, 1);
        assertThat(second.flush()).isTrue();
        assertThat(sum(ds, "census_hourly")).isEqualTo(2);
        assertThat(rows(ds, "census_hourly")).isEqualTo(1);
    }
}

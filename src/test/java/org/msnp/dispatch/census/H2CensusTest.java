package org.msnp.dispatch.census;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The census on H2, the default: an embedded file, or an H2 server the test stops and restarts. */
class H2CensusTest extends CensusContract {
    @TempDir
    Path dir;
    private final AtomicInteger databases = new AtomicInteger();

    @Override
    DataSource database() {
        return pool("jdbc:h2:file:" + dir.resolve("census-" + databases.incrementAndGet()) + ";DB_CLOSE_ON_EXIT=FALSE",
                Duration.ofSeconds(5));
    }

    /** The census's own pool settings; a database that is down answers within {@code timeout}. */
    HikariDataSource pool(String url, Duration timeout) {
        HikariConfig h = Databases.poolSettings(url, Optional.empty(), Optional.empty());
        h.setConnectionTimeout(timeout.toMillis());
        h.setValidationTimeout(Math.min(timeout.toMillis(), 2000));
        HikariDataSource ds = new HikariDataSource(h);
        resources.add(ds);
        return ds;
    }

    DataSource downable(H2Server server) {
        return pool(server.url(), Duration.ofMillis(250));
    }

    /** An H2 server on a port the system picks, which the test can stop and start again. */
    final class H2Server implements AutoCloseable {
        private Server server;
        private final int port;

        H2Server() throws Exception {
            server = Server.createTcpServer("-tcpPort", "0", "-baseDir", dir.toString(), "-ifNotExists").start();
            port = server.getPort();
            resources.add(this);
        }

        String url() {
            return "jdbc:h2:tcp://127.0.0.1:" + port + "/census";
        }

        void stop() {
            server.stop();
        }

        void restart() throws Exception {
            server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-baseDir", dir.toString(), "-ifNotExists")
                    .start();
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    @Test
    void pastTheKeyCapClientTextIsFoldedIntoOther() throws Exception {
        DataSource ds = database();
        Census census = census(ds, "node-a", Keys.settings());
        int builds = 100_000;
        for (int i = 0; i < builds; i++) {
            census.count(Keys.build("6.0." + i));
        }
        // Conversations without client text, and a second server-side variant, past the cap too.
        census.count(Keys.NO_DIALECT);
        census.count(Keys.MSNP8_OLD);

        int cap = 2000;
        assertThat(census.foldedCount()).isEqualTo(builds - cap + 2);
        assertThat(census.heldKeys()).as("memory: the cap's keys and the folded ones").isEqualTo(cap + 3);
        assertThat(census.flush()).isTrue();
        assertThat(rows(ds, "census_hourly")).isEqualTo(cap + 3);
        assertThat(sum(ds, "census_hourly")).isEqualTo(builds + 2);
        var perKey = perKey(census.queries().rows(OCTOBER_1));
        assertThat(perKey.get(Keys.build("6.0.0"))).isEqualTo(1);
        assertThat(perKey.get(Keys.build("6.0.1999"))).isEqualTo(1);
        assertThat(perKey).doesNotContainKey(Keys.build("6.0.2000"));
        CensusKey other = new CensusKey("tcp", "MSNP8", "other", "other", "other", "0x0409", "xfr", "current");
        assertThat(perKey.get(other)).isEqualTo(builds - cap);
        assertThat(perKey.get(Keys.NO_DIALECT.folded())).isEqualTo(1);
        assertThat(registry.get("msnp.census.folded").functionCounter().count()).isEqualTo(builds - cap + 2);
        assertThat(registry.get("msnp.census.dropped").functionCounter().count()).isZero();

        // A key counted before the cap was reached keeps counting under its own name.
        census.count(Keys.build("6.0.7"));
        assertThat(census.foldedCount()).isEqualTo(builds - cap + 2);

        // The next hour has its own cap.
        clock.advance(Duration.ofHours(1));
        census.count(Keys.build("6.0.99999"));
        assertThat(census.foldedCount()).isEqualTo(builds - cap + 2);
        assertThat(census.flush()).isTrue();
        assertThat(sum(ds, "census_hourly")).isEqualTo(builds + 4);
    }

    @Test
    void whileTheDatabaseIsDownCountsWaitInMemoryAndAreWrittenWhenItReturns() throws Exception {
        H2Server server = new H2Server();
        DataSource ds = downable(server);
        Census census = census(ds, "node-a", Keys.settings());
        count(census, Keys.MSNP8_XFR, 2);
        assertThat(census.flush()).isTrue();

        server.stop();
        count(census, Keys.MSNP8_XFR, 3);
        count(census, Keys.CVR0_CVQ, 4);
        clock.advance(Duration.ofHours(1));
        count(census, Keys.HTTP_XFR, 5);
        assertThat(census.flush()).isFalse();
        assertThat(census.flush()).isFalse();
        assertThat(registry.get("msnp.census.flush.failures").functionCounter().count()).isEqualTo(2);
        assertThat(census.unwritten()).isEqualTo(12);
        assertThat(census.heldKeys()).isEqualTo(3);
        assertThat(registry.get("msnp.census.pending.keys").gauge().value()).isEqualTo(3);

        server.restart();
        assertThat(census.flush()).isTrue();
        assertThat(census.unwritten()).isZero();
        assertThat(sum(ds, "census_hourly")).isEqualTo(14);
        assertThat(perKey(census.queries().rows(OCTOBER_1))).containsEntry(Keys.MSNP8_XFR, 5L)
                .containsEntry(Keys.CVR0_CVQ, 4L).containsEntry(Keys.HTTP_XFR, 5L);
        assertThat(census.droppedCount()).isZero();
    }

    @Test
    void pastThePendingBoundConversationsAreDroppedAndCountedExactly() throws Exception {
        H2Server server = new H2Server();
        DataSource ds = downable(server);
        Census census = census(ds, "node-a", Keys.settings(5, 10));
        assertThat(census.flush()).isTrue();
        server.stop();

        int calls = 0;
        for (int hour = 0; hour < 3; hour++) {
            for (int k = 0; k < 5; k++) {
                count(census, Keys.build(hour + "." + k), 3);
                calls += 3;
            }
            if (hour == 1) {
                // The bound is reached: a key already held still counts, a new one is dropped.
                count(census, Keys.build("1.0"), 2);
                count(census, Keys.build("1.new"), 2);
                calls += 4;
            }
            clock.advance(Duration.ofHours(1));
        }
        assertThat(census.flush()).isFalse();
        assertThat(census.heldKeys()).isEqualTo(10);
        long dropped = census.droppedCount();
        assertThat(dropped).isEqualTo(2 + 15);
        assertThat(census.foldedCount()).isZero();

        server.restart();
        assertThat(census.flush()).isTrue();
        assertThat(sum(ds, "census_hourly")).isEqualTo(calls - dropped);
        assertThat(registry.get("msnp.census.dropped").functionCounter().count())
                .isEqualTo((double) (calls - sum(ds, "census_hourly")));
        assertThat(perKey(census.queries().rows(OCTOBER_1))).containsEntry(Keys.build("1.0"), 5L)
                .doesNotContainKey(Keys.build("1.new")).doesNotContainKey(Keys.build("2.0"));
    }

    @Test
    void countingAKeyAlreadySeenThisHourAllocatesNothing() throws Exception {
        Census census = census(database(), "node-a", Keys.settings());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        CensusKey[] keys = {Keys.MSNP8_XFR, Keys.CVR0_CVQ, Keys.HTTP_XFR, Keys.NO_DIALECT};
        for (CensusKey k : keys) {
            census.count(k);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            census.count(keys[i & 3]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // One object per call would be megabytes; what is left is the measurement's own.
        assertThat(allocated).isLessThan(10_000);
        assertThat(census.countedCount()).isEqualTo(100_004);
    }

    @Test
    void aCountNeverWaitsForTheDatabase() throws Exception {
        H2Server server = new H2Server();
        DataSource ds = downable(server);
        Census census = census(ds, "node-a", Keys.settings());
        server.stop();
        // With the database gone the writer fails; counting goes on in memory all the same.
        Thread writer = new Thread(census::flush);
        writer.start();
        count(census, Keys.MSNP8_XFR, 10_000);
        writer.join();
        assertThat(census.countedCount()).isEqualTo(10_000);
        server.restart();
        assertThat(census.flush()).isTrue();
        assertThat(sum(ds, "census_hourly")).isEqualTo(10_000);
    }
}

package org.msnp.dispatch.census;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The census on a real PostgreSQL (binaries from io.zonky.test, run by the test; no Docker). A
 * PostgreSQL that cannot start fails the class: it is never skipped.
 */
class PostgresCensusTest extends CensusContract {
    private static EmbeddedPostgres postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DataSource database() throws Exception {
        String name = "census_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return pool(postgres.getJdbcUrl("postgres", name), Duration.ofSeconds(5));
    }

    HikariDataSource pool(String url, Duration timeout) {
        HikariConfig h = Databases.poolSettings(url, Optional.empty(), Optional.empty());
        h.setConnectionTimeout(timeout.toMillis());
        h.setValidationTimeout(Math.min(timeout.toMillis(), 2000));
        HikariDataSource ds = new HikariDataSource(h);
        resources.add(ds);
        return ds;
    }

    @Test
    void itIsARealPostgreSql() throws Exception {
        DataSource ds = database();
        try (Connection c = ds.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c.getMetaData().getDatabaseMajorVersion()).isGreaterThanOrEqualTo(14);
        }
    }

    @Test
    void aTableLockedByAnotherSessionDelaysTheWriterButNeverACount() throws Exception {
        DataSource ds = database();
        Census census = census(ds, "node-a", Keys.settings());
        count(census, Keys.MSNP8_XFR, 1);
        assertThat(census.flush()).isTrue();
        try (Connection blocker = ds.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("LOCK TABLE census_hourly IN ACCESS EXCLUSIVE MODE");
            }
            count(census, Keys.MSNP8_XFR, 2);
            CompletableFuture<Boolean> stuck = CompletableFuture.supplyAsync(census::flush);
            // The writer waits for the lock; counting goes on.
            count(census, Keys.MSNP8_XFR, 10_000);
            count(census, Keys.CVR0_CVQ, 5);
            assertThat(census.countedCount()).isEqualTo(10_008);
            blocker.rollback();
            assertThat(stuck.get()).isTrue();
        }
        assertThat(census.flush()).isTrue();
        assertThat(sum(ds, "census_hourly")).isEqualTo(10_008);
        assertThat(census.unwritten()).isZero();
    }

    @Test
    void aStoppedPostgreSqlKeepsTheCountsUntilItIsBack(@TempDir Path data) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
        EmbeddedPostgres own = builder.start();
        int port = own.getPort();
        String url = own.getJdbcUrl("postgres", "postgres");
        try {
            DataSource ds = pool(url, Duration.ofMillis(500));
            Census census = census(ds, "node-a", Keys.settings());
            count(census, Keys.MSNP8_XFR, 2);
            assertThat(census.flush()).isTrue();

            own.close();
            count(census, Keys.MSNP8_XFR, 3);
            count(census, Keys.HTTP_XFR, 4);
            assertThat(census.flush()).isFalse();
            assertThat(census.unwritten()).isEqualTo(7);

            own = builder.setPort(port).start();
            assertThat(census.flush()).isTrue();
            assertThat(sum(ds, "census_hourly")).isEqualTo(9);
            assertThat(perKey(census.queries().rows(OCTOBER_1))).containsEntry(Keys.MSNP8_XFR, 5L)
                    .containsEntry(Keys.HTTP_XFR, 4L);
            census.close();
        } finally {
            own.close();
        }
    }
}

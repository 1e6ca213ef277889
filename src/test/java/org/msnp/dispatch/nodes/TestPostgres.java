package org.msnp.dispatch.nodes;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for the tests (binaries from io.zonky.test, run by the test; no Docker). One
 * that cannot start fails the test: it is never skipped.
 */
public final class TestPostgres implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** A network's policy for publishing in tests: one MSNMSGR rule whose minimum is filled in. */
    public static final String POLICY = """
            notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
            version-policy:
              unknown-clients: reject-420
              rules:
                - library: MSNMSGR
                  recommended: 7.0.0813
                  minimum: %s
                  download-url: http://example.invalid/dl
                  info-url: http://example.invalid/info
            """;
    private final EmbeddedPostgres.Builder builder;
    private EmbeddedPostgres postgres;
    private final int port;

    private TestPostgres(EmbeddedPostgres.Builder builder) throws IOException {
        this.builder = builder;
        this.postgres = builder.start();
        this.port = postgres.getPort();
    }

    /** A PostgreSQL of its own, in a temporary directory. */
    public static TestPostgres start() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder());
    }

    /** A PostgreSQL whose data stay in {@code dir}, so that it can be stopped and started again on the same port. */
    public static TestPostgres startIn(Path dir) throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false));
    }

    /** A new, empty database; its JDBC URL (credentials in it). */
    public String newDatabase() throws SQLException {
        String name = "policy_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return postgres.getJdbcUrl("postgres", name);
    }

    /** The URL of the {@code postgres} database. */
    public String url() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** Stops the server (its clients see their connections end). */
    public void stop() throws IOException {
        postgres.close();
        postgres = null;
    }

    /** Starts it again on the same port, with the same data (see {@link #startIn}). */
    public void restart() throws IOException {
        postgres = builder.setPort(port).start();
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }
}

package org.msnp.dispatch.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.msnp.dispatch.config.CensusConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row in {@code dispatch_nodes} (docs/scaling.md, "Membership"), written every
 * heartbeat interval on a thread of its own: name, address, the policy version it runs, when it
 * started and when it was last seen (by the database's clock, so nodes' clocks need not agree).
 * A graceful stop marks the row stopped. Rows not seen for {@value #FORGET_DAYS} days are deleted.
 */
public final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");
    static final int FORGET_DAYS = 7;
    private static final long PRUNE_EVERY_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    /** What the row says of the policy: its source ({@code file}, {@code database}, …) and version. */
    public record Beat(String source, OptionalLong policyVersion) {
    }

    private final DataSource dataSource;
    private final String database;
    private final String name;
    private final String address;
    private final Instant startedAt;
    private final Duration interval;
    private final Supplier<Beat> state;
    private final ScheduledExecutorService thread;
    private boolean schemaReady;
    private boolean saidFailing;
    private long lastPrune;
    private boolean pruned;

    /**
     * @param database the database as named in the log (no credentials)
     * @param name     the node's name ({@code census.node}, by default the host name)
     * @param address  where clients reach the node
     */
    public Heartbeat(DataSource dataSource, String database, String name, String address, Duration interval,
                     Supplier<Beat> state) {
        if (!CensusConfig.NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a node name is 1-64 letters, digits, '.', '_', ':' or '-'");
        }
        this.dataSource = dataSource;
        this.database = database;
        this.name = name;
        this.address = Text.printable(address, 300);
        this.startedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);  // what the column keeps exactly
        this.interval = interval;
        this.state = state;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "node-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes the row now and every interval from now on. */
    public Heartbeat start() {
        thread.scheduleWithFixedDelay(this::beatQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void beatQuietly() {
        try {
            beat();
            if (saidFailing) {
                saidFailing = false;
                LOG.info("membership: this node's row in {} is written again", database);
            }
        } catch (SQLException | RuntimeException e) {
            if (!saidFailing) {
                saidFailing = true;
                LOG.warn("membership: cannot write this node's row to {} ({}); trying again every {} ms", database,
                        PolicyDatabase.problem(e), interval.toMillis());
            }
        }
    }

    /** One heartbeat: the row written (created on first beat). */
    void beat() throws SQLException {
        if (!schemaReady) {
            PolicyDatabase.migrate(dataSource);
            schemaReady = true;
        }
        Beat b = state.get();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO dispatch_nodes (name, address, policy_source,"
                    + " policy_version, started_at, last_seen, heartbeat_ms, stopped_at) VALUES (?, ?, ?, ?, ?, now(), ?, NULL)"
                    + " ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, policy_source = EXCLUDED.policy_source,"
                    + " policy_version = EXCLUDED.policy_version, started_at = EXCLUDED.started_at, last_seen = now(),"
                    + " heartbeat_ms = EXCLUDED.heartbeat_ms, stopped_at = NULL")) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setString(1, name);
                s.setString(2, address);
                s.setString(3, b.source());
                if (b.policyVersion().isPresent()) {
                    s.setLong(4, b.policyVersion().getAsLong());
                } else {
                    s.setNull(4, Types.BIGINT);
                }
                s.setObject(5, OffsetDateTime.ofInstant(startedAt, ZoneOffset.UTC));
                s.setInt(6, (int) interval.toMillis());
                s.executeUpdate();
            }
            long now = System.nanoTime();
            if (!pruned || now - lastPrune >= PRUNE_EVERY_NANOS) {
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    s.executeUpdate("DELETE FROM dispatch_nodes WHERE last_seen < now() - interval '" + FORGET_DAYS + " days'");
                }
                pruned = true;
                lastPrune = now;
            }
        }
    }

    /** Stops the heartbeats and marks the row stopped (waiting at most a few seconds for the database). */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!schemaReady) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE dispatch_nodes SET stopped_at = now() WHERE name = ? AND started_at = ?")) {
            s.setQueryTimeout(3);
            s.setString(1, name);
            s.setObject(2, OffsetDateTime.ofInstant(startedAt, ZoneOffset.UTC));
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("membership: could not mark this node stopped: {}", PolicyDatabase.problem(e));
        }
    }
}

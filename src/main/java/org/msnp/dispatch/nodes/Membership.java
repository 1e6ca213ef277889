package org.msnp.dispatch.nodes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The nodes sharing a database, as their heartbeats tell (docs/scaling.md, "Membership"). A
 * node is stale when its last heartbeat is older than {@value #STALE_AFTER_BEATS} of its own
 * intervals, by the database's clock; behind when it follows the published policy and runs an
 * older version than the latest (or none while one is published).
 */
public final class Membership {
    public static final int STALE_AFTER_BEATS = 3;
    private static final int QUERY_TIMEOUT_SECONDS = 10;

    /**
     * One node.
     *
     * @param address       where clients reach it ({@code host:port})
     * @param policySource  where its shared keys come from: {@code file} (its own file), or, following the
     *                      database, where its running version was read: {@code database}, {@code cache-file},
     *                      {@code local-file} (no version yet)
     * @param policyVersion the published version it runs; empty with {@code file} or before its first version
     * @param stopped       it stopped gracefully (its row stays until forgotten)
     */
    public record Node(String name, String address, String policySource, OptionalLong policyVersion, Instant startedAt,
                       Instant lastSeen, Duration heartbeatInterval, boolean stale, boolean stopped, boolean behind) {
    }

    private final DataSource dataSource;

    public Membership(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Every node with a row, by name; empty when no node has written one yet.
     *
     * @throws SQLException when the database cannot be reached (a pool gives up after 5 s)
     */
    public List<Node> nodes() throws SQLException {
        List<Node> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT name, address, policy_source, policy_version, started_at,"
                     + " last_seen, heartbeat_ms, stopped_at IS NOT NULL,"
                     + " last_seen < now() - heartbeat_ms * " + STALE_AFTER_BEATS + " * interval '1 millisecond',"
                     + " (SELECT MAX(version) FROM policy_versions)"
                     + " FROM dispatch_nodes ORDER BY name")) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long v = r.getLong(4);
                    OptionalLong version = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                    long l = r.getLong(10);
                    OptionalLong latest = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(l);
                    String source = r.getString(3);
                    boolean behind = !source.equals("file") && latest.isPresent()
                            && (version.isEmpty() || version.getAsLong() < latest.getAsLong());
                    out.add(new Node(r.getString(1), r.getString(2), source, version,
                            r.getObject(5, OffsetDateTime.class).toInstant(), r.getObject(6, OffsetDateTime.class).toInstant(),
                            Duration.ofMillis(r.getInt(7)), r.getBoolean(9), r.getBoolean(8), behind));
                }
            }
        } catch (SQLException e) {
            if (PolicyStore.noTables(e)) {
                return List.of();
            }
            throw e;
        }
        return out;
    }
}

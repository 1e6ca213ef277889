package org.msnp.dispatch.census;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The census tables (db/census): the schema, the writes of a flush and the nightly prune. Plain
 * SQL that H2 and PostgreSQL both run; an upsert is an UPDATE, then an INSERT of the keys the
 * UPDATE did not find, in the caller's transaction.
 */
final class CensusStore {
    static final String COLUMNS = "node, transport, dialect, library, build, os_type, locale, outcome, verdict";
    private static final String KEY_MATCH = "node = ? AND transport = ? AND dialect = ? AND library = ? AND build = ?"
            + " AND os_type = ? AND locale = ? AND outcome = ? AND verdict = ?";
    private static final int QUERY_TIMEOUT_SECONDS = 30;
    /** Loaded with this class, not at the first write or prune (see Census's LOADED_WITH_IT). */
    private static final java.util.List<Class<?>> LOADED_WITH_IT = java.util.List.of(Delta.class, Pruned.class, Work.class,
            DayKey.class);

    private final DataSource dataSource;

    CensusStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates or updates the tables. Safe in a database that holds other tables too. */
    void migrate() {
        Flyway.configure(CensusStore.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/census")
                .table("census_schema_history")
                // A database that already holds other tables gets the census tables too (V1 runs).
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** One count to add: {@code hourStart} is the start of its UTC hour. */
    record Delta(Instant hourStart, String node, CensusKey key, long conversations) {
    }

    /**
     * Adds every delta in one transaction; a delta of an hour before {@code dailyBefore} goes
     * straight to its day's row, since that hour has already been rolled up. All or nothing.
     */
    void add(List<Delta> deltas, Instant dailyBefore) throws SQLException {
        List<Delta> hourly = new ArrayList<>();
        Map<DayKey, Long> daily = new HashMap<>();
        for (Delta d : deltas) {
            if (d.hourStart().isBefore(dailyBefore)) {
                daily.merge(new DayKey(day(d.hourStart()), d.node(), d.key()), d.conversations(), Long::sum);
            } else {
                hourly.add(d);
            }
        }
        inTransaction(c -> {
            upsertHourly(c, hourly);
            upsertDaily(c, daily);
            return null;
        });
    }

    /** What a prune did. */
    record Pruned(int hourlyRows, int dailyRows) {
    }

    /**
     * Rolls every hourly row that started before {@code cutoff} into its day's row and deletes it,
     * in one transaction. Running it again finds nothing to do. The maintenance row is locked
     * first, so two nodes pruning at once take turns and the second finds the work done.
     */
    Pruned prune(Instant cutoff, Instant now) throws SQLException {
        return inTransaction(c -> {
            try (PreparedStatement lock = c.prepareStatement("UPDATE census_maintenance SET ran_at = ? WHERE task = 'prune'")) {
                lock.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                lock.setObject(1, utc(now));
                lock.executeUpdate();
            }
            Map<DayKey, Long> daily = new HashMap<>();
            int rows = 0;
            try (PreparedStatement select = c.prepareStatement("SELECT hour_start, " + COLUMNS
                    + ", conversations FROM census_hourly WHERE hour_start < ?")) {
                select.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                select.setFetchSize(1000);
                select.setObject(1, utc(cutoff));
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        Instant hour = r.getObject(1, OffsetDateTime.class).toInstant();
                        daily.merge(new DayKey(day(hour), r.getString(2), key(r, 3)), r.getLong(11), Long::sum);
                        rows++;
                    }
                }
            }
            upsertDaily(c, daily);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM census_hourly WHERE hour_start < ?")) {
                delete.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                delete.setObject(1, utc(cutoff));
                delete.executeUpdate();
            }
            return new Pruned(rows, daily.size());
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction. A connection the database dropped (it went away and
     * came back while the connection sat in the pool) fails the work before anything is
     * committed; the work is then tried again on another connection, at most
     * {@value #ATTEMPTS} times. A failed commit is never retried here: whether it took effect
     * is unknown.
     */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            boolean committing = false;
            try (Connection c = dataSource.getConnection()) {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    committing = true;
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                } finally {
                    restore(c, auto);
                }
            } catch (SQLException e) {
                if (committing || attempt >= ATTEMPTS || !connectionGone(e)) {
                    throw e;
                }
            }
        }
    }

    private static final int ATTEMPTS = 3;

    /**
     * The connection is gone: a connection exception (SQL state class 08), a server that shut
     * down or restarted (PostgreSQL's 57P01-57P03), anywhere in the chain (a batch reports its
     * cause as the next exception).
     */
    static boolean connectionGone(SQLException e) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof java.sql.SQLNonTransientConnectionException || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = String.valueOf(s.getSQLState());
                if (state.startsWith("08") || state.startsWith("57P0")) {
                    return true;
                }
                if (s.getNextException() != null) {
                    todo.push(s.getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.push(t.getCause());
            }
        }
        return false;
    }

    private record DayKey(LocalDate day, String node, CensusKey key) {
    }

    private static void upsertHourly(Connection c, List<Delta> deltas) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        int[] updated;
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE census_hourly SET conversations = conversations + ? WHERE hour_start = ? AND " + KEY_MATCH)) {
            update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            for (Delta d : deltas) {
                update.setLong(1, d.conversations());
                update.setObject(2, utc(d.hourStart()));
                bindKey(update, 3, d.node(), d.key());
                update.addBatch();
            }
            updated = update.executeBatch();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO census_hourly (hour_start, " + COLUMNS
                + ", conversations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            boolean any = false;
            for (int i = 0; i < deltas.size(); i++) {
                if (missing(updated[i])) {
                    Delta d = deltas.get(i);
                    insert.setObject(1, utc(d.hourStart()));
                    bindKey(insert, 2, d.node(), d.key());
                    insert.setLong(11, d.conversations());
                    insert.addBatch();
                    any = true;
                }
            }
            if (any) {
                insert.executeBatch();
            }
        }
    }

    private static void upsertDaily(Connection c, Map<DayKey, Long> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Map.Entry<DayKey, Long>> entries = new ArrayList<>(rows.entrySet());
        int[] updated;
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE census_daily SET conversations = conversations + ? WHERE day_start = ? AND " + KEY_MATCH)) {
            update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            for (Map.Entry<DayKey, Long> e : entries) {
                update.setLong(1, e.getValue());
                update.setObject(2, e.getKey().day());
                bindKey(update, 3, e.getKey().node(), e.getKey().key());
                update.addBatch();
            }
            updated = update.executeBatch();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO census_daily (day_start, " + COLUMNS
                + ", conversations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            boolean any = false;
            for (int i = 0; i < entries.size(); i++) {
                if (missing(updated[i])) {
                    Map.Entry<DayKey, Long> e = entries.get(i);
                    insert.setObject(1, e.getKey().day());
                    bindKey(insert, 2, e.getKey().node(), e.getKey().key());
                    insert.setLong(11, e.getValue());
                    insert.addBatch();
                    any = true;
                }
            }
            if (any) {
                insert.executeBatch();
            }
        }
    }

    /** An UPDATE that found no row; a driver that cannot tell must not be guessed at. */
    private static boolean missing(int updateCount) {
        if (updateCount == Statement.SUCCESS_NO_INFO || updateCount == Statement.EXECUTE_FAILED) {
            throw new IllegalStateException("the database driver did not report how many rows an UPDATE changed");
        }
        return updateCount == 0;
    }

    private static void bindKey(PreparedStatement s, int at, String node, CensusKey k) throws SQLException {
        s.setString(at, node);
        s.setString(at + 1, k.transport());
        s.setString(at + 2, k.dialect());
        s.setString(at + 3, k.library());
        s.setString(at + 4, k.build());
        s.setString(at + 5, k.osType());
        s.setString(at + 6, k.locale());
        s.setString(at + 7, k.outcome());
        s.setString(at + 8, k.verdict());
    }

    /** The key in the eight columns from {@code at} on ({@link #COLUMNS} without the node). */
    static CensusKey key(ResultSet r, int at) throws SQLException {
        return new CensusKey(r.getString(at), r.getString(at + 1), r.getString(at + 2), r.getString(at + 3),
                r.getString(at + 4), r.getString(at + 5), r.getString(at + 6), r.getString(at + 7));
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void restore(Connection c, boolean autoCommit) {
        try {
            c.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            // A broken connection: the pool discards it.
        }
    }
}

package org.msnp.dispatch.census;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.msnp.dispatch.config.CensusConfig;

/**
 * The read side of the census, for the console and the export. Every method takes a
 * {@link Range} and reads both tables: the hourly rows of the range, and the daily rows (hours
 * past their retention, rolled up) of the days that start in it. A conversation is in exactly one
 * of the two, so the sums are whole; rolled-up data has day resolution ({@link Period#DAY}).
 */
public final class CensusQueries {
    private static final int QUERY_TIMEOUT_SECONDS = 60;

    private final DataSource dataSource;

    CensusQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Reads a census database directly, without a pool (a command line tool's access). The
     * database is read as it is: nothing is created or migrated.
     */
    public static CensusQueries connect(String jdbcUrl, Optional<String> user, Optional<String> password) {
        return new CensusQueries(Databases.simple(jdbcUrl, user, password));
    }

    /** {@code [from, to)}, optionally one node's rows only. */
    public record Range(Instant from, Instant to, Optional<String> node) {
        public Range {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(node, "node");
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("the range's start " + from + " is not before its end " + to);
            }
            if (node.isPresent() && !CensusConfig.NODE_NAME.matcher(node.get()).matches()) {
                throw new IllegalArgumentException("a node name is 1-64 letters, digits, '.', '_', ':' or '-'");
            }
        }

        public static Range of(Instant from, Instant to) {
            return new Range(from, to, Optional.empty());
        }

        public Range node(String name) {
            return new Range(from, to, Optional.of(name));
        }

        /** The first day whose start lies in the range. */
        LocalDate firstDay() {
            return ceilDay(from);
        }

        /** The first day after the range's days. */
        LocalDate endDay() {
            return ceilDay(to);
        }

        private static LocalDate ceilDay(Instant t) {
            LocalDate d = LocalDate.ofInstant(t, ZoneOffset.UTC);
            return d.atStartOfDay(ZoneOffset.UTC).toInstant().equals(t) ? d : d.plusDays(1);
        }
    }

    /** The resolution of a row: an hour, or a day of rolled-up hours. */
    public enum Period {
        HOUR, DAY;

        public String label() {
            return this == HOUR ? "hour" : "day";
        }
    }

    /** One stored row: conversations of one key in one hour or day on one node. */
    public record Row(Period period, Instant start, String node, CensusKey key, long conversations) {
    }

    /** Conversations per period start and outcome. */
    public record OutcomeCount(Period period, Instant start, String outcome, long conversations) {
    }

    /** Conversations per period start and verdict. */
    public record VerdictCount(Period period, Instant start, String verdict, long conversations) {
    }

    /** Conversations of one value (a dialect, a locale) over the range. */
    public record Share(String value, long conversations) {
    }

    /** Conversations of one client build over the range. */
    public record BuildCount(String library, String build, long conversations) {
    }

    /** Conversations of one client that reported itself (CVR/CVQ) over the range. */
    public record ClientCount(String library, String build, String osType, String locale, long conversations) {
    }

    /** All conversations in the range. */
    public long total(Range range) throws SQLException {
        List<Share> all = shares(range, "'all'");
        return all.isEmpty() ? 0 : all.get(0).conversations();
    }

    /** Per hour (per day for rolled-up data) and outcome, oldest first. */
    public List<OutcomeCount> outcomesOverTime(Range range) throws SQLException {
        List<OutcomeCount> out = new ArrayList<>();
        series(range, "outcome", (p, start, value, n) -> out.add(new OutcomeCount(p, start, value, n)));
        return out;
    }

    /** Per hour (per day for rolled-up data) and verdict, oldest first. */
    public List<VerdictCount> verdictsOverTime(Range range) throws SQLException {
        List<VerdictCount> out = new ArrayList<>();
        series(range, "verdict", (p, start, value, n) -> out.add(new VerdictCount(p, start, value, n)));
        return out;
    }

    /** Per dialect, most conversations first. */
    public List<Share> byDialect(Range range) throws SQLException {
        return shares(range, "dialect");
    }

    /** Per locale, most conversations first. */
    public List<Share> byLocale(Range range) throws SQLException {
        return shares(range, "locale");
    }

    /** Per outcome, most conversations first. */
    public List<Share> byOutcome(Range range) throws SQLException {
        return shares(range, "outcome");
    }

    /** Per verdict, most conversations first. */
    public List<Share> byVerdict(Range range) throws SQLException {
        return shares(range, "verdict");
    }

    /** The {@code limit} client builds (library and build) with most conversations. */
    public List<BuildCount> topBuilds(Range range, int limit) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        String sql = "SELECT library, build, SUM(conversations) AS n FROM (" + union(range, "library, build, conversations")
                + ") u GROUP BY library, build ORDER BY n DESC, library, build LIMIT ?";
        List<BuildCount> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int at = bindUnion(s, 1, range);
            s.setInt(at, limit);
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new BuildCount(r.getString(1), r.getString(2), r.getLong(3)));
                }
            }
        }
        return out;
    }

    /**
     * Per client (library, build, OS type, locale) that reported itself with CVR/CVQ, summed over
     * hours, nodes, transports, dialects and outcomes; most conversations first.
     */
    public List<ClientCount> clients(Range range) throws SQLException {
        String sql = "SELECT library, build, os_type, locale, SUM(conversations) AS n FROM ("
                + union(range, "library, build, os_type, locale, conversations")
                + ") u WHERE library <> '-' GROUP BY library, build, os_type, locale ORDER BY n DESC, library, build, os_type, locale";
        List<ClientCount> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            bindUnion(s, 1, range);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new ClientCount(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5)));
                }
            }
        }
        return out;
    }

    /** Conversations per node, most first. */
    public List<Share> byNode(Range range) throws SQLException {
        return shares(range, "node");
    }

    /** The nodes that have rows in the range, sorted. */
    public List<String> nodes(Range range) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Share s : shares(range, "node")) {
            out.add(s.value());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * Every stored row of the range, rolled-up days first, then hours, each in time order; read
     * as a stream, so an export of any size holds one row at a time.
     */
    public void rows(Range range, Consumer<Row> sink) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            // PostgreSQL streams a result (fetch size) only inside a transaction.
            c.setAutoCommit(false);
            try {
                rows(c, "SELECT day_start, " + CensusStore.COLUMNS + ", conversations FROM census_daily WHERE day_start >= ?"
                        + " AND day_start < ?" + nodeFilter(range) + " ORDER BY day_start, " + CensusStore.COLUMNS, range,
                        true, sink);
                rows(c, "SELECT hour_start, " + CensusStore.COLUMNS + ", conversations FROM census_hourly WHERE hour_start >= ?"
                        + " AND hour_start < ?" + nodeFilter(range) + " ORDER BY hour_start, " + CensusStore.COLUMNS, range,
                        false, sink);
            } finally {
                try {
                    c.rollback(); // only read: this ends the transaction
                    c.setAutoCommit(auto);
                } catch (SQLException e) {
                    // A broken connection is discarded.
                }
            }
        }
    }

    /** Every stored row of the range, in a list (see {@link #rows(Range, Consumer)}). */
    public List<Row> rows(Range range) throws SQLException {
        List<Row> out = new ArrayList<>();
        rows(range, out::add);
        return out;
    }

    private static void rows(Connection c, String sql, Range range, boolean daily, Consumer<Row> sink) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(1000);
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS * 10);
            if (daily) {
                s.setObject(1, range.firstDay());
                s.setObject(2, range.endDay());
            } else {
                s.setObject(1, CensusStore.utc(range.from()));
                s.setObject(2, CensusStore.utc(range.to()));
            }
            if (range.node().isPresent()) {
                s.setString(3, range.node().get());
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Instant start = daily ? r.getObject(1, LocalDate.class).atStartOfDay(ZoneOffset.UTC).toInstant()
                            : r.getObject(1, OffsetDateTime.class).toInstant();
                    sink.accept(new Row(daily ? Period.DAY : Period.HOUR, start, r.getString(2), CensusStore.key(r, 3),
                            r.getLong(11)));
                }
            }
        }
    }

    private interface SeriesSink {
        void add(Period period, Instant start, String value, long conversations);
    }

    private void series(Range range, String column, SeriesSink sink) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String daily = "SELECT day_start, " + column + ", SUM(conversations) FROM census_daily WHERE day_start >= ?"
                    + " AND day_start < ?" + nodeFilter(range) + " GROUP BY day_start, " + column + " ORDER BY day_start, " + column;
            try (PreparedStatement s = c.prepareStatement(daily)) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setObject(1, range.firstDay());
                s.setObject(2, range.endDay());
                if (range.node().isPresent()) {
                    s.setString(3, range.node().get());
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.add(Period.DAY, r.getObject(1, LocalDate.class).atStartOfDay(ZoneOffset.UTC).toInstant(),
                                r.getString(2), r.getLong(3));
                    }
                }
            }
            String hourly = "SELECT hour_start, " + column + ", SUM(conversations) FROM census_hourly WHERE hour_start >= ?"
                    + " AND hour_start < ?" + nodeFilter(range) + " GROUP BY hour_start, " + column + " ORDER BY hour_start, " + column;
            try (PreparedStatement s = c.prepareStatement(hourly)) {
                s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                s.setObject(1, CensusStore.utc(range.from()));
                s.setObject(2, CensusStore.utc(range.to()));
                if (range.node().isPresent()) {
                    s.setString(3, range.node().get());
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        sink.add(Period.HOUR, r.getObject(1, OffsetDateTime.class).toInstant(), r.getString(2), r.getLong(3));
                    }
                }
            }
        }
    }

    /** Sums per value of one column (a column name from this class, never input). */
    private List<Share> shares(Range range, String column) throws SQLException {
        String sql = "SELECT v, SUM(conversations) AS n FROM (" + union(range, column + " AS v, conversations")
                + ") u GROUP BY v ORDER BY n DESC, v";
        List<Share> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            bindUnion(s, 1, range);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Share(r.getString(1), r.getLong(2)));
                }
            }
        }
        return out;
    }

    private static String union(Range range, String select) {
        return "SELECT " + select + " FROM census_hourly WHERE hour_start >= ? AND hour_start < ?" + nodeFilter(range)
                + " UNION ALL SELECT " + select + " FROM census_daily WHERE day_start >= ? AND day_start < ?" + nodeFilter(range);
    }

    private static int bindUnion(PreparedStatement s, int at, Range range) throws SQLException {
        s.setObject(at++, CensusStore.utc(range.from()));
        s.setObject(at++, CensusStore.utc(range.to()));
        if (range.node().isPresent()) {
            s.setString(at++, range.node().get());
        }
        s.setObject(at++, range.firstDay());
        s.setObject(at++, range.endDay());
        if (range.node().isPresent()) {
            s.setString(at++, range.node().get());
        }
        return at;
    }

    private static String nodeFilter(Range range) {
        return range.node().isPresent() ? " AND node = ?" : "";
    }
}

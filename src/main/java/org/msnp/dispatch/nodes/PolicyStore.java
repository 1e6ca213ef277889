package org.msnp.dispatch.nodes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The published versions of the shared policy (table {@code policy_versions}, docs/scaling.md).
 * A publish adds the next version number and notifies every listening node in the same
 * transaction; versions are never changed or deleted.
 */
public final class PolicyStore {
    /** The channel a publish notifies; the payload is the new version number. */
    public static final String CHANNEL = "msnp_policy";
    /** The largest document accepted, in characters. */
    public static final int MAX_CONFIG_CHARS = 1 << 20;
    public static final int MAX_BY = 64;
    public static final int MAX_COMMENT = 500;
    private static final int QUERY_TIMEOUT_SECONDS = 30;
    private static final String META = "version, published_by, published_at, comment, sha256";

    private final DataSource dataSource;

    public PolicyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates or updates the tables ({@link PolicyDatabase#migrate}). */
    public void migrate() {
        PolicyDatabase.migrate(dataSource);
    }

    /**
     * Stores {@code config} as the next version and notifies the nodes, in one transaction.
     * The caller has validated the document; this checks only what the table needs.
     *
     * @throws IllegalArgumentException when {@code by} or {@code comment} is empty, too long or
     *                                  holds control characters, or {@code config} is too long
     */
    public PolicyVersion publish(String config, String by, String comment) throws SQLException {
        checkText("--by", by, MAX_BY, false);
        checkText("--comment", comment, MAX_COMMENT, true);
        if (config.length() > MAX_CONFIG_CHARS) {
            throw new IllegalArgumentException("the document is longer than " + MAX_CONFIG_CHARS + " characters");
        }
        String sha = sha256(config);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    // publishers take turns, so that each gets the next number; readers are not held up
                    s.execute("LOCK TABLE policy_versions IN SHARE ROW EXCLUSIVE MODE");
                }
                long next;
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions")) {
                    r.next();
                    next = r.getLong(1);
                }
                OffsetDateTime at;
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO policy_versions (version, config, published_by,"
                        + " published_at, comment, sha256) VALUES (?, ?, ?, now(), ?, ?) RETURNING published_at")) {
                    insert.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    insert.setLong(1, next);
                    insert.setString(2, config);
                    insert.setString(3, by);
                    insert.setString(4, comment);
                    insert.setString(5, sha);
                    try (ResultSet r = insert.executeQuery()) {
                        r.next();
                        at = r.getObject(1, OffsetDateTime.class);
                    }
                }
                try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                    notify.setString(1, CHANNEL);
                    notify.setString(2, Long.toString(next));
                    notify.execute();
                }
                c.commit();
                return new PolicyVersion(next, by, at.toInstant(), comment, sha);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Every version, oldest first, without texts. */
    public List<PolicyVersion> history() throws SQLException {
        List<PolicyVersion> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + META + " FROM policy_versions ORDER BY version")) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(meta(r));
                }
            }
        }
        return out;
    }

    /** Version {@code n} with its text. */
    public Optional<PolicyDocument> version(long n) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return fetch(c, n);
        }
    }

    /** The latest version with its text; empty when nothing has been published. */
    public Optional<PolicyDocument> latest() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return latest(c);
        }
    }

    /** The latest version number; empty when nothing has been published. */
    public OptionalLong latestVersion() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return latestVersion(c);
        }
    }

    static Optional<PolicyDocument> latest(Connection c) throws SQLException {
        OptionalLong n = latestVersion(c);
        return n.isPresent() ? fetch(c, n.getAsLong()) : Optional.empty();
    }

    static OptionalLong latestVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM policy_versions")) {
                r.next();
                long v = r.getLong(1);
                return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        }
    }

    static Optional<PolicyDocument> fetch(Connection c, long n) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + META + ", config FROM policy_versions WHERE version = ?")) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            s.setLong(1, n);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new PolicyDocument(meta(r), r.getString(6))) : Optional.empty();
            }
        }
    }

    private static PolicyVersion meta(ResultSet r) throws SQLException {
        return new PolicyVersion(r.getLong(1), r.getString(2), r.getObject(3, OffsetDateTime.class).toInstant(),
                r.getString(4), r.getString(5).strip());
    }

    /** Whether {@code e} says the policy tables do not exist (nothing was ever published there). */
    public static boolean noTables(SQLException e) {
        return "42P01".equals(e.getSQLState());
    }

    static void checkText(String what, String text, int max, boolean mayBeEmpty) {
        if (text == null || (!mayBeEmpty && text.isBlank())) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (text.length() > max) {
            throw new IllegalArgumentException(what + " is longer than " + max + " characters");
        }
        if (!Text.isPrintable(text)) {
            throw new IllegalArgumentException(what + " must be one line without control characters");
        }
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes, lower-case hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

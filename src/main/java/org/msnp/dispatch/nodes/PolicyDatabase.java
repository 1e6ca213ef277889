package org.msnp.dispatch.nodes;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL database the nodes share (docs/scaling.md): how to reach it and its schema.
 * Every connection gives up quickly on a database that does not answer (connect 5 s, a read
 * 30 s) unless the URL says otherwise: a node never waits long for it.
 */
public final class PolicyDatabase {
    /** What a connection is given unless its URL names the parameter itself. */
    private static final Map<String, String> DEFAULTS = Map.of("connectTimeout", "5", "socketTimeout", "30",
            "loginTimeout", "5", "tcpKeepAlive", "true", "ApplicationName", "msnp-dispatch");

    private PolicyDatabase() {
    }

    /** @throws IllegalArgumentException when {@code url} is not a {@code jdbc:postgresql:} URL */
    static Properties properties(String url, Optional<String> user, Optional<String> password) {
        Properties parsed = Driver.parseURL(url, null);
        if (!url.startsWith("jdbc:postgresql:") || parsed == null) {
            throw new IllegalArgumentException("'" + shown(url) + "' is not a jdbc:postgresql: URL");
        }
        Properties p = new Properties();
        DEFAULTS.forEach(p::setProperty);
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(s -> p.setProperty("password", s));
        return p;
    }

    /** One connection of its own (the URL's parameters win over the defaults). */
    static Connection connect(String url, Optional<String> user, Optional<String> password) throws SQLException {
        Connection c = new Driver().connect(url, properties(url, user, password));
        if (c == null) {
            throw new SQLException("not a PostgreSQL URL: " + shown(url), "08001");
        }
        return c;
    }

    /** A data source without a pool, for one command: no threads, nothing to close. */
    public static DataSource simple(String url, Optional<String> user, Optional<String> password) {
        Properties defaults = properties(url, user, password);
        Properties inUrl = Driver.parseURL(url, null);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        for (String key : defaults.stringPropertyNames()) {
            if (!inUrl.containsKey(key)) {
                try {
                    ds.setProperty(key, defaults.getProperty(key));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ds;
    }

    /**
     * A small pool for a running node (heartbeats, the membership view, the policy history),
     * created even when the database is down.
     */
    public static HikariDataSource pool(String url, Optional<String> user, Optional<String> password) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("nodes");
        h.setJdbcUrl(url);
        h.setDataSourceProperties(properties(url, user, password));
        h.setMaximumPoolSize(3);
        h.setMinimumIdle(0);
        h.setConnectionTimeout(5_000);
        h.setValidationTimeout(2_000);
        h.setInitializationFailTimeout(-1);
        return new HikariDataSource(h);
    }

    /**
     * Creates or updates the policy and membership tables (migrations in {@code db/policy},
     * history in {@code policy_schema_history}). Safe in a database that holds other tables, the
     * census's among them.
     */
    public static void migrate(DataSource dataSource) {
        Flyway.configure(PolicyDatabase.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/policy")
                .table("policy_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }

    /** The URL without its parameters, which may carry credentials: for messages and logs. */
    public static String shown(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return Text.printable(url.substring(0, cut), 200);
    }

    /** A database problem in one line: the first line of its message. */
    public static String problem(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return Text.printable((nl >= 0 ? m.substring(0, nl) : m).strip(), 300);
    }
}

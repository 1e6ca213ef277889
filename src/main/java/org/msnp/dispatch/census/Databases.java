package org.msnp.dispatch.census;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.msnp.dispatch.config.CensusConfig;

/** Connections to the census database, and the node's default name. */
final class Databases {
    private Databases() {
    }

    /**
     * The writer's pool. Small (one writer, and the read side), quick to give up on a database
     * that does not answer, and created even when the database is down: the census waits for it.
     */
    static HikariDataSource pool(CensusConfig config) {
        return new HikariDataSource(poolSettings(config.jdbcUrl(), config.user(), config.secret()));
    }

    static HikariConfig poolSettings(String url, Optional<String> user, Optional<String> password) {
        HikariConfig h = new HikariConfig();
        h.setPoolName("census");
        h.setJdbcUrl(url);
        user.ifPresent(h::setUsername);
        password.ifPresent(h::setPassword);
        h.setMaximumPoolSize(4);
        h.setMinimumIdle(0);
        h.setConnectionTimeout(5_000);
        h.setValidationTimeout(2_000);
        h.setInitializationFailTimeout(-1);
        h.setExceptionOverride(new GoneConnections());
        return h;
    }

    /**
     * H2's codes for a connection that is gone (a stopped H2 server, a closed database): such a
     * connection leaves the pool at once, so the first flush after the database returns gets a
     * new one. (PostgreSQL's {@code 08…} states are recognised by the pool itself.)
     */
    private static final class GoneConnections implements SQLExceptionOverride {
        @java.lang.Override
        public Override adjudicate(SQLException e) {
            switch (e.getErrorCode()) {
                case 90067: // connection broken
                case 90098: // database is closed
                case 90121: // database called at shutdown
                case 90007: // object already closed
                    return Override.MUST_EVICT;
                default:
                    return Override.CONTINUE_EVICT;
            }
        }
    }

    /** A data source without a pool, for one command: no threads, nothing to close. */
    static DataSource simple(String url, Optional<String> user, Optional<String> password) {
        if (url.startsWith("jdbc:h2:")) {
            org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
            ds.setURL(url);
            user.ifPresent(ds::setUser);
            password.ifPresent(ds::setPassword);
            return ds;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setURL(url);
            user.ifPresent(ds::setUser);
            password.ifPresent(ds::setPassword);
            return ds;
        }
        throw new IllegalArgumentException("a census database URL starts with jdbc:h2: or jdbc:postgresql:");
    }

    /** The directory of the default H2 file, created on first start. */
    static void createH2Directory(CensusConfig config) {
        if (config.databaseUrl() != null) {
            return;
        }
        Path dir = config.h2File().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("census.data-dir: cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The configured node name, else the host name (the kernel's, without a DNS lookup), cut to
     * what a node name may hold.
     */
    static String nodeName(CensusConfig config) {
        return config.nodeName().orElseGet(Databases::hostName);
    }

    static String hostName() {
        String name = null;
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                name = Files.readString(kernel, StandardCharsets.US_ASCII).strip();
            }
        } catch (IOException | RuntimeException e) {
            name = null;
        }
        if (name == null || name.isEmpty()) {
            name = System.getenv("COMPUTERNAME");
        }
        if (name == null || name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = null;
            }
        }
        if (name == null || name.isEmpty()) {
            return "localhost";
        }
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._:-]", "-");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}

package org.msnp.dispatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The census of finished conversations (docs/console.md, "Census"): where its counts are stored
 * and how much it may hold. On by default, in an embedded H2 file under {@code data-dir}; a
 * {@code jdbc:postgresql:} URL shares one database between several nodes.
 *
 * @param databaseUrl     {@code jdbc:h2:…} or {@code jdbc:postgresql:…}; absent: the H2 file {@code <data-dir>/census}
 * @param dataDir         where the default H2 database lives; relative paths start at the working directory
 * @param node            this server's name in the census rows; absent: the host name
 * @param maxPendingKeys  keys held in memory in all (this hour's, and earlier ones not yet written)
 * @param hourlyRetention hourly rows older than this are rolled up into daily rows
 */
public record CensusConfig(Boolean enabled, String databaseUrl, String dataDir, String username, String password,
                           String node, Duration flushInterval, Integer maxKeysPerHour, Integer maxPendingKeys,
                           Duration hourlyRetention) {
    static final CensusConfig DEFAULT = new CensusConfig(null, null, null, null, null, null, null, null, null, null);

    /** A node name: what a host name may hold, and nothing a page or a CSV cell must escape. */
    public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public CensusConfig {
        enabled = enabled == null || enabled;
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:h2:") && !databaseUrl.startsWith("jdbc:postgresql:")) {
            throw new BadValue("database-url", "database-url must be a jdbc:h2: or jdbc:postgresql: URL");
        }
        dataDir = dataDir != null ? dataDir : System.getProperty("msnp.census.data-dir", "data");
        if (dataDir.isBlank()) {
            throw new BadValue("data-dir", "data-dir must name a directory");
        }
        if (node != null && !NODE_NAME.matcher(node).matches()) {
            throw new BadValue("node", "node must be 1-64 letters, digits, '.', '_', ':' or '-', got '" + node + "'");
        }
        flushInterval = flushInterval != null ? flushInterval : Duration.ofSeconds(1);
        if (flushInterval.compareTo(Duration.ofMillis(100)) < 0 || flushInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new BadValue("flush-interval", "flush-interval must be 100ms..1h, got " + Durations.format(flushInterval));
        }
        maxKeysPerHour = maxKeysPerHour != null ? maxKeysPerHour : 2000;
        if (maxKeysPerHour < 1 || maxKeysPerHour > 1_000_000) {
            throw new BadValue("max-keys-per-hour", "max-keys-per-hour must be 1..1000000, got " + maxKeysPerHour);
        }
        maxPendingKeys = maxPendingKeys != null ? maxPendingKeys : 100_000;
        if (maxPendingKeys < 2L * maxKeysPerHour || maxPendingKeys > 10_000_000) {
            throw new BadValue("max-pending-keys", "max-pending-keys must be at least twice max-keys-per-hour ("
                    + 2L * maxKeysPerHour + ") and at most 10000000, got " + maxPendingKeys);
        }
        hourlyRetention = hourlyRetention != null ? hourlyRetention : Duration.ofDays(35);
        if (hourlyRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new BadValue("hourly-retention", "hourly-retention must be at least 1d, got " + Durations.format(hourlyRetention));
        }
    }

    /** The JDBC URL: the one configured, or the H2 file under {@code data-dir}. */
    public String jdbcUrl() {
        if (databaseUrl != null) {
            return databaseUrl;
        }
        // The server closes the database itself after its last flush; H2's own shutdown hook could
        // otherwise close it first.
        return "jdbc:h2:file:" + h2File() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** The default H2 database file (without H2's {@code .mv.db}), absolute. */
    public Path h2File() {
        return Path.of(dataDir).toAbsolutePath().normalize().resolve("census");
    }

    public Optional<String> user() {
        return Optional.ofNullable(username);
    }

    public Optional<String> secret() {
        return Optional.ofNullable(password);
    }

    /** The configured node name; absent: the host name is taken at start. */
    public Optional<String> nodeName() {
        return Optional.ofNullable(node);
    }

    @Override
    public String toString() {
        return "CensusConfig[enabled=" + enabled + ", databaseUrl=" + jdbcUrl() + ", dataDir=" + dataDir + ", username="
                + username + ", password=" + (password == null ? "none" : "***") + ", node=" + node + ", flushInterval="
                + flushInterval + ", maxKeysPerHour=" + maxKeysPerHour + ", maxPendingKeys=" + maxPendingKeys
                + ", hourlyRetention=" + hourlyRetention + "]";
    }
}

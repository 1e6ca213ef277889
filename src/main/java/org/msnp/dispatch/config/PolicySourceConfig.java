package org.msnp.dispatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the shared part of the configuration comes from (docs/scaling.md): this node's own file
 * ({@code file}, the default), or the versions published to a PostgreSQL database
 * ({@code database}), followed as they are published.
 *
 * @param from         {@code file} or {@code database}
 * @param databaseUrl  {@code jdbc:postgresql://host/db}; required with {@code from: database}
 * @param pollInterval how often the database is asked for its latest version besides the notifications
 * @param cacheFile    the last applied version, read at start when the database cannot be reached;
 *                     absent: {@code <census.data-dir>/policy-cache.yaml}
 */
public record PolicySourceConfig(From from, String databaseUrl, String username, String password, Duration pollInterval,
                                 String cacheFile) {
    static final PolicySourceConfig DEFAULT = new PolicySourceConfig(null, null, null, null, null, null);

    /** Where the shared keys come from. */
    public enum From { FILE, DATABASE }

    public PolicySourceConfig {
        from = from != null ? from : From.FILE;
        if (databaseUrl != null && !databaseUrl.startsWith("jdbc:postgresql:")) {
            throw new BadValue("database-url", "database-url must be a jdbc:postgresql: URL (the policy is shared through PostgreSQL)");
        }
        if (from == From.DATABASE && databaseUrl == null) {
            throw new BadValue("from", "from: database needs database-url (jdbc:postgresql://host/db)");
        }
        pollInterval = pollInterval != null ? pollInterval : Duration.ofSeconds(30);
        if (pollInterval.compareTo(Duration.ofSeconds(1)) < 0 || pollInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new BadValue("poll-interval", "poll-interval must be 1s..1h, got " + Durations.format(pollInterval));
        }
        if (cacheFile != null && cacheFile.isBlank()) {
            throw new BadValue("cache-file", "cache-file must name a file");
        }
    }

    public boolean fromDatabase() {
        return from == From.DATABASE;
    }

    public Optional<String> url() {
        return Optional.ofNullable(databaseUrl);
    }

    public Optional<String> user() {
        return Optional.ofNullable(username);
    }

    public Optional<String> secret() {
        return Optional.ofNullable(password);
    }

    /** The cache file: the one configured, else {@code policy-cache.yaml} in the census data directory. */
    public Path cachePath(CensusConfig census) {
        return (cacheFile != null ? Path.of(cacheFile) : Path.of(census.dataDir()).resolve("policy-cache.yaml"))
                .toAbsolutePath().normalize();
    }

    @Override
    public String toString() {
        return "PolicySourceConfig[from=" + from + ", databaseUrl=" + databaseUrl + ", username=" + username + ", password="
                + (password == null ? "none" : "***") + ", pollInterval=" + pollInterval + ", cacheFile=" + cacheFile + "]";
    }
}

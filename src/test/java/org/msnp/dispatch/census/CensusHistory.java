package org.msnp.dispatch.census;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.msnp.dispatch.config.CensusConfig;

/**
 * Past hours for a census database, counted and written by the census itself on a clock the
 * test sets: what a server (this node or another) counted before the test's own server started.
 */
public final class CensusHistory {
    private CensusHistory() {
    }

    /** {@code conversations} of {@code key} finished in the hour of {@code at} on {@code node}. */
    public record Past(Instant at, String node, CensusKey key, int conversations) {
    }

    /**
     * Counts every entry at its hour, writes them, and then (with {@code rollUp}) rolls up the
     * hours past {@code hourly-retention} as the nightly prune does. Run it before a server opens
     * the same database.
     */
    public static void write(CensusConfig config, List<Past> past, boolean rollUp) {
        Databases.createH2Directory(config);
        List<Past> sorted = past.stream().sorted(Comparator.comparing(Past::at)).toList();
        try (HikariDataSource pool = Databases.pool(config)) {
            for (String node : sorted.stream().map(Past::node).distinct().toList()) {
                TestClock clock = new TestClock(sorted.get(0).at());
                Census census = Census.start(pool, node, config, new SimpleMeterRegistry(), clock, () -> { });
                try {
                    for (Past p : sorted) {
                        if (p.node().equals(node)) {
                            clock.set(p.at());
                            for (int i = 0; i < p.conversations(); i++) {
                                census.count(p.key());
                            }
                        }
                    }
                    clock.set(Instant.now());
                    if (!census.flush() || (rollUp && !census.prune())) {
                        throw new IllegalStateException("the census history was not written");
                    }
                } finally {
                    census.close();
                }
            }
        }
    }
}

package org.msnp.dispatch.nodes;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a node following the policy database stands: for {@code /health}, the console, and the
 * membership row.
 *
 * @param database       the database URL without its parameters
 * @param databaseUp     the last contact with the database succeeded
 * @param problem        why the database cannot be reached, while it cannot
 * @param version        the published version this node runs; empty before it has run one
 * @param loadedFrom     where that version was read: the database, the cache file, or (no version yet)
 *                       the node's own file
 * @param latest         the latest version the database has shown
 * @param lastContact    when the database last answered
 * @param refusedVersion the latest version this node could not use (a key it does not know, …), and why
 */
public record PolicyStatus(String database, boolean databaseUp, Optional<String> problem, OptionalLong version,
                           LoadedFrom loadedFrom, OptionalLong latest, Optional<Instant> lastContact,
                           OptionalLong refusedVersion, Optional<String> refusedReason) {

    /** Where the running shared keys were read. */
    public enum LoadedFrom {
        DATABASE("database"), CACHE_FILE("cache-file"), LOCAL_FILE("local-file");

        private final String label;

        LoadedFrom(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The fields of {@code /health}'s {@code policy} object (docs/operations.md). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "database");
        version.ifPresent(v -> m.put("version", v));
        m.put("loaded-from", loadedFrom.label());
        m.put("database", databaseUp ? "up" : "down");
        problem.ifPresent(p -> m.put("database-problem", p));
        latest.ifPresent(v -> m.put("latest", v));
        lastContact.ifPresent(t -> m.put("last-contact", t.toString()));
        refusedVersion.ifPresent(v -> m.put("refused-version", v));
        refusedReason.ifPresent(r -> m.put("refused-reason", r));
        return m;
    }
}

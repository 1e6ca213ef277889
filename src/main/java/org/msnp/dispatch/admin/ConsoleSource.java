package org.msnp.dispatch.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.msnp.dispatch.census.Census;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.routing.NsTarget;

/**
 * What the console reads of the running server (docs/console.md, "API"). The server gives it to
 * the admin listener; each call answers for the moment it is made.
 */
public interface ConsoleSource {

    /** The configuration the server answers with now. */
    record RunningConfig(long version, String source, Optional<LastReload> lastReload, VersionPolicy policy) {
    }

    /** When the last reload was tried and how it went ({@code message}: the one-line error, or {@code reloaded}). */
    record LastReload(Instant at, boolean ok, String message) {
    }

    RunningConfig running();

    /** As {@code /health} reports it. */
    AdminServer.Health health();

    /** The Notification Servers of the running pool, with their health. */
    List<NsTarget> notificationServers();

    /** The census; empty when {@code census.enabled} is false. */
    Optional<Census> census();

    /**
     * The nodes of the network from their heartbeats (docs/scaling.md, "Membership"); empty
     * when this node keeps no membership (a single node on files).
     */
    default List<org.msnp.dispatch.nodes.Membership.Node> members() throws java.sql.SQLException {
        return List.of();
    }

    /** A server with nothing to show: the embedded defaults' policy, no pool, no census. */
    static ConsoleSource of(java.util.function.Supplier<AdminServer.Health> health) {
        VersionPolicy defaults = org.msnp.dispatch.config.DispatchConfig.defaults().versionPolicy().build();
        return new ConsoleSource() {
            @Override
            public RunningConfig running() {
                return new RunningConfig(1, "embedded defaults", Optional.empty(), defaults);
            }

            @Override
            public AdminServer.Health health() {
                return health.get();
            }

            @Override
            public List<NsTarget> notificationServers() {
                return List.of();
            }

            @Override
            public Optional<Census> census() {
                return Optional.empty();
            }
        };
    }
}

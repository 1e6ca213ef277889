package org.msnp.dispatch.config;

import java.time.Duration;

/**
 * This node's row in the membership table (docs/scaling.md, "Membership"), written to the
 * policy database, or to the census's when that is PostgreSQL.
 *
 * @param heartbeatInterval how often the row is written; a node is stale after three intervals without one
 */
public record MembershipConfig(Boolean enabled, Duration heartbeatInterval) {
    static final MembershipConfig DEFAULT = new MembershipConfig(null, null);

    public MembershipConfig {
        enabled = enabled == null || enabled;
        heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(5);
        if (heartbeatInterval.compareTo(Duration.ofMillis(100)) < 0 || heartbeatInterval.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new BadValue("heartbeat-interval", "heartbeat-interval must be 100ms..10m, got "
                    + Durations.format(heartbeatInterval));
        }
    }
}

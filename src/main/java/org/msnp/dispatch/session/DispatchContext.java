package org.msnp.dispatch.session;

import org.msnp.dispatch.policy.VersionPolicy;

/**
 * Everything a session consults, fixed for the life of the session: a configuration reload makes
 * a new context for new connections while running handshakes finish on the one they started with.
 */
public record DispatchContext(SessionRules rules, VersionPolicy policy, NotificationServers servers,
                              ForeignHandles foreignHandles) {
}

package org.msnp.dispatch.session;

import java.util.Optional;
import org.msnp.dispatch.protocol.HostPort;

/** Where a client is referred to; empty when no Notification Server can take it now. */
@FunctionalInterface
public interface NotificationServers {
    Optional<HostPort> select(String handle);

    static NotificationServers fixed(HostPort ns) {
        Optional<HostPort> target = Optional.of(ns);
        return handle -> target;
    }

    static NotificationServers none() {
        return handle -> Optional.empty();
    }
}

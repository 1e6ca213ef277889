package org.msnp.dispatch.gateway;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.msnp.dispatch.conversation.Snapshot;

/**
 * How the gateway treats requests and gateway sessions, for one configuration version; the
 * conversation inside each session runs on {@link #snapshot()}, the same as on TCP.
 *
 * @param publicHost       the GW-IP value; empty (a loopback listener only): the listener's own address
 * @param tcpPort          the port the TCP listener is bound to (named in XFR without public-address)
 * @param sessionIdle      a gateway session without a request for this long is dropped
 * @param requestTimeout   a request's headers and body must be complete this long after its first byte
 * @param keepAliveTimeout a kept-alive connection without a request for this long is closed
 */
public record GatewaySettings(Snapshot snapshot, Optional<String> publicHost, int tcpPort, Duration sessionIdle,
                              int maxSessions, int maxSessionsPerIp, int maxBodyBytes, Set<String> acceptIps,
                              Duration requestTimeout, Duration keepAliveTimeout) {

    public GatewaySettings {
        acceptIps = Set.copyOf(acceptIps);
    }

    /** Whether an open naming {@code ip} (or none) is for this server. */
    boolean accepts(Optional<String> ip) {
        return acceptIps.isEmpty() || ip.isEmpty() || acceptIps.contains(ip.get().toLowerCase(Locale.ROOT));
    }
}

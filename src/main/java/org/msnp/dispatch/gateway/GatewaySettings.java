package org.msnp.dispatch.gateway;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.msnp.dispatch.config.BindAddress;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.config.GatewayConfig;
import org.msnp.dispatch.protocol.HostPort;

/**
 * How the gateway listener treats requests and gateway sessions.
 *
 * @param publicHost    the GW-IP value; empty (a loopback listener only): the listener's own address
 * @param publicAddress the address named in XFR as this server; empty: the gateway's local address
 *                      with the TCP listener's port
 * @param tcpPort       the port the TCP listener is bound to
 * @param sessionIdle   a gateway session without a request for this long is dropped
 * @param loginTimeout  as on TCP: how long the session may wait for its VER
 * @param idleTimeout   as on TCP: how long it may go without a complete line after VER
 * @param maxLineLength as on TCP: a longer line ends the session
 */
record GatewaySettings(String host, int port, Optional<String> publicHost, Optional<HostPort> publicAddress,
                       int tcpPort, Duration sessionIdle, Duration loginTimeout, Duration idleTimeout,
                       int maxLineLength, int maxSessions, int maxSessionsPerIp, int maxBodyBytes,
                       Set<String> acceptIps) {

    static GatewaySettings of(DispatchConfig config, int tcpPort) {
        GatewayConfig g = config.gateway();
        BindAddress bind = g.listenAddress();
        DispatchConfig.Limits limits = config.limits();
        return new GatewaySettings(bind.host(), bind.port(), g.publicHostName(), config.publicHostPort(), tcpPort,
                g.sessionIdle(), limits.loginTimeout(), limits.idleTimeout(), limits.maxLineLength(), g.maxSessions(),
                g.maxSessionsPerIp(), g.maxBodyBytes(), Set.copyOf(g.acceptIps()));
    }

    /** Whether an open naming {@code ip} (or none) is for this server. */
    boolean accepts(Optional<String> ip) {
        return acceptIps.isEmpty() || ip.isEmpty() || acceptIps.contains(ip.get().toLowerCase(Locale.ROOT));
    }
}

package org.msnp.dispatch.net;

import java.time.Duration;
import java.util.Optional;
import org.msnp.dispatch.protocol.HostPort;

/**
 * How the TCP listener treats each connection.
 *
 * @param publicAddress the address named in XFR as this server; empty: the local address reached
 * @param loginTimeout  how long a connection may stay silent before its VER
 * @param idleTimeout   how long it may stay silent after VER
 * @param closeWait     after the closing reply, how long the server waits for the client to close
 *                      before it closes itself (clients.md point 8); zero: it closes at once
 * @param closeLinger   how long input is drained after the server's FIN before the socket closes
 * @param proxyProtocol expect a PROXY protocol v1/v2 header before anything else
 * @param trustedProxies with {@code proxyProtocol}: the peers allowed to send that header; any
 *                      other connection is refused before its header is read
 * @param limits        connection limits (the listener's address, port and PROXY setting are fixed
 *                      at start; everything else follows configuration reloads for new connections)
 */
public record ListenerSettings(String host, int port, boolean proxyProtocol, Optional<HostPort> publicAddress,
                               Duration loginTimeout, Duration idleTimeout, int maxLineLength, Duration closeWait, Duration closeLinger,
                               AdmissionLimits.Thresholds limits, TrustedProxies trustedProxies) {

    /** Settings whose PROXY headers, if any, are trusted from this machine only. */
    public ListenerSettings(String host, int port, boolean proxyProtocol, Optional<HostPort> publicAddress,
                            Duration loginTimeout, Duration idleTimeout, int maxLineLength, Duration closeWait, Duration closeLinger,
                            AdmissionLimits.Thresholds limits) {
        this(host, port, proxyProtocol, publicAddress, loginTimeout, idleTimeout, maxLineLength, closeWait, closeLinger, limits,
                TrustedProxies.LOOPBACK);
    }
}

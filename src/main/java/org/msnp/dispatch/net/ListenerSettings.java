package org.msnp.dispatch.net;

/**
 * Where the TCP listener binds; fixed at start (a change needs a restart).
 *
 * @param proxyProtocol expect a PROXY protocol v1/v2 header before anything else
 */
public record ListenerSettings(String host, int port, boolean proxyProtocol) {
}

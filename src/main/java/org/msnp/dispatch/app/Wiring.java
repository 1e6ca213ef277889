package org.msnp.dispatch.app;

import java.time.Duration;
import java.util.Optional;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.admission.TrustedProxies;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.config.GatewayConfig;
import org.msnp.dispatch.conversation.ConversationSettings;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.gateway.GatewaySettings;
import org.msnp.dispatch.net.ListenerSettings;
import org.msnp.dispatch.routing.NsPool;

/**
 * The one place a configuration becomes runtime settings: what every listener and conversation
 * runs on for one configuration version, published as one value. The listeners never read the
 * configuration itself.
 *
 * @param gateway the gateway's settings (holding the same snapshot); empty when it is off
 */
public record Wiring(Snapshot snapshot, TrustedProxies trustedProxies, AdmissionLimits.Thresholds thresholds,
                     Optional<GatewaySettings> gateway) {

    /** The wiring of {@code config}, version {@code version}, with the TCP listener on {@code tcpPort}. */
    static Wiring of(DispatchConfig config, NsPool pool, long version, int tcpPort) {
        DispatchConfig.Limits limits = config.limits();
        Snapshot snapshot = new Snapshot(version, Contexts.of(config, pool), conversationSettings(config),
                config.publicHostPort());
        Optional<GatewaySettings> gateway = Optional.empty();
        if (config.gateway().enabled()) {
            GatewayConfig g = config.gateway();
            gateway = Optional.of(new GatewaySettings(snapshot, g.publicHostName(), tcpPort, g.sessionIdle(), g.maxSessions(),
                    g.maxSessionsPerIp(), g.maxBodyBytes(), java.util.Set.copyOf(g.acceptIps()), g.requestTimeout(),
                    g.keepAliveTimeout()));
        }
        return new Wiring(snapshot,
                new TrustedProxies(config.proxyProtocolTrusted().stream()
                        .map(r -> new TrustedProxies.Range(r.address(), r.prefixLength())).toList()),
                new AdmissionLimits.Thresholds(limits.maxConnections(), limits.maxConnectionsPerIp(),
                        limits.newConnectionsPerIpPerSecond(), limits.ipv6PrefixLength()),
                gateway);
    }

    public static ConversationSettings conversationSettings(DispatchConfig config) {
        DispatchConfig.Limits limits = config.limits();
        return new ConversationSettings(limits.loginTimeout(), limits.idleTimeout(), limits.maxLineLength(),
                config.protocol().closing() == DispatchConfig.Closing.AT_ONCE ? Duration.ZERO : limits.closeWait(),
                limits.closeLinger());
    }

    /** The snapshot of {@code config} alone (no pool health checks, version 1): for tools and tests. */
    public static Snapshot snapshot(DispatchConfig config) {
        return new Snapshot(1, Contexts.of(config, Contexts.pool(config)), conversationSettings(config),
                config.publicHostPort());
    }

    public static AdmissionLimits.Thresholds thresholds(DispatchConfig config) {
        DispatchConfig.Limits limits = config.limits();
        return new AdmissionLimits.Thresholds(limits.maxConnections(), limits.maxConnectionsPerIp(),
                limits.newConnectionsPerIpPerSecond(), limits.ipv6PrefixLength());
    }

    static ListenerSettings tcpListener(DispatchConfig config) {
        return new ListenerSettings(config.listen().host(), config.listen().port(), config.proxyProtocol());
    }

    static ListenerSettings gatewayListener(DispatchConfig config) {
        return new ListenerSettings(config.gateway().listenAddress().host(), config.gateway().listenAddress().port(), false);
    }
}

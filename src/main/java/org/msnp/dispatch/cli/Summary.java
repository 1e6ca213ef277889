package org.msnp.dispatch.cli;

import java.util.stream.Collectors;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.net.Transport;

/** One line saying what a configuration sets up, on this machine (the transport it would run). */
final class Summary {
    private Summary() {
    }

    static String of(DispatchConfig c) {
        String ns = c.notificationServers().targets().isEmpty() ? "none"
                : c.notificationServers().targets().stream().map(t -> t.address() + (t.weight() != 1 ? "*" + t.weight() : ""))
                .collect(Collectors.joining(","));
        return "listen " + c.listen() + " on " + transport(c) + ", dialects " + c.dialects() + ", NS " + ns + ", "
                + c.versionPolicy().rules().size() + " version rule(s), unknown clients: "
                + c.versionPolicy().unknownClients().name().toLowerCase().replace('_', '-')
                + (c.gateway().enabled() ? ", HTTP gateway on " + c.gateway().listen() : ", HTTP gateway off")
                + (c.admin().enabled() ? ", admin (metrics, health) on " + c.admin().listen()
                        + (c.admin().auth() != null ? " with credentials" : "") : ", admin listener off")
                + (c.policySource().fromDatabase() ? ", shared keys from the policy published to "
                        + org.msnp.dispatch.nodes.PolicyDatabase.shown(c.policySource().url().orElseThrow()) : "");
    }

    /** The transport that runs with {@code c} here: {@code epoll (auto)}, {@code io_uring}, or what runs instead and why. */
    static String transport(DispatchConfig c) {
        try {
            return Transport.select(c.transport().label()).describe();
        } catch (IllegalArgumentException e) {
            // only -Dmsnp.transport can name an unknown one: the file's value is checked on load
            return "no transport: -D" + Transport.PROPERTY + ": " + e.getMessage();
        }
    }
}

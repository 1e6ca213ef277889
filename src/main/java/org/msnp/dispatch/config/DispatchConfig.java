package org.msnp.dispatch.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.msnp.dispatch.policy.DownloadUrl;
import org.msnp.dispatch.policy.Rule;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.protocol.ClientVersion;
import org.msnp.dispatch.protocol.ErrorCode;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.ForeignHandles;
import org.msnp.dispatch.session.RemovedCommand;
import org.msnp.dispatch.session.SessionRules;
import org.msnp.dispatch.session.VerReplyStyle;

/**
 * The whole configuration file, bound from YAML (keys in kebab-case; unknown keys are refused).
 * Every key is optional: an absent key takes its embedded default, so an empty file, or no file,
 * gives a server that accepts every client and refers it to 127.0.0.1:1864. Scalar values are
 * typed (addresses, durations, versions, LCIDs, URLs) so that a bad one is reported at its own
 * line and key; rules that span several keys are checked in the record constructors.
 * docs/configuration.md describes each key.
 */
public record DispatchConfig(BindAddress listen, Boolean proxyProtocol, List<AddressRange> proxyProtocolTrusted,
                             HostPort publicAddress, DialectSet dialects,
                             Protocol protocol, NotificationServers notificationServers,
                             List<String> foreignHandles, Policy versionPolicy, Limits limits, AdminConfig admin,
                             GatewayConfig gateway, CensusConfig census, PolicySourceConfig policySource,
                             MembershipConfig membership, TransportName transport) {

    public DispatchConfig {
        listen = orDefault(listen, BindAddress.parse("0.0.0.0:1863"));
        proxyProtocol = orDefault(proxyProtocol, false);
        if (proxyProtocolTrusted != null && proxyProtocolTrusted.stream().anyMatch(java.util.Objects::isNull)) {
            throw new BadValue("proxy-protocol-trusted", "proxy-protocol-trusted must not contain an empty entry");
        }
        proxyProtocolTrusted = proxyProtocolTrusted == null ? LOOPBACK : List.copyOf(proxyProtocolTrusted);
        if (proxyProtocol && proxyProtocolTrusted.isEmpty()) {
            throw new BadValue("proxy-protocol-trusted",
                    "proxy-protocol-trusted must name at least one address or range when proxy-protocol is on");
        }
        dialects = orDefault(dialects, DialectSet.parse(org.msnp.dispatch.protocol.Dialect.ALL));
        protocol = orDefault(protocol, Protocol.DEFAULT);
        notificationServers = orDefault(notificationServers, NotificationServers.DEFAULT);
        foreignHandles = foreignHandles == null ? List.of() : List.copyOf(foreignHandles);
        try {
            new ForeignHandles(foreignHandles);
        } catch (IllegalArgumentException e) {
            throw new BadValue("foreign-handles", e.getMessage());
        }
        versionPolicy = orDefault(versionPolicy, Policy.DEFAULT);
        limits = orDefault(limits, Limits.DEFAULT);
        admin = orDefault(admin, AdminConfig.DEFAULT);
        gateway = orDefault(gateway, GatewayConfig.DEFAULT);
        census = orDefault(census, CensusConfig.DEFAULT);
        policySource = orDefault(policySource, PolicySourceConfig.DEFAULT);
        membership = orDefault(membership, MembershipConfig.DEFAULT);
        transport = orDefault(transport, TransportName.AUTO);
    }

    /** The embedded defaults: what the server runs on without a file. */
    public static DispatchConfig defaults() {
        return new DispatchConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Who may send a PROXY header by default: this machine only. */
    static final List<AddressRange> LOOPBACK = List.of(AddressRange.parse("127.0.0.0/8"), AddressRange.parse("::1"));

    /** The address named in XFR as this server; empty: the local address the client reached. */
    public Optional<HostPort> publicHostPort() {
        return Optional.ofNullable(publicAddress);
    }

    public SessionRules sessionRules() {
        return new SessionRules(dialects.dialects(), protocol.verReply(),
                protocol.dialectNames() == DialectNames.CASE_INSENSITIVE, protocol.infMsnp2(),
                protocol.infInMsnp8Plus(), protocol.md5InMsnp8Plus(), protocol.outReply(),
                ErrorCode.of(protocol.noNotificationServer()), protocol.cvr0Fallback());
    }

    public ForeignHandles foreign() {
        return new ForeignHandles(foreignHandles);
    }

    static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    static void positive(String key, Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new BadValue(key, key + " must be longer than 0");
        }
    }

    // ------------------------------------------------------------------------------------------

    public enum DialectNames { CASE_SENSITIVE, CASE_INSENSITIVE }

    /** How a user is assigned a Notification Server: {@code round-robin} or {@code handle-hash}. */
    public enum Selection { ROUND_ROBIN, HANDLE_HASH }

    /**
     * Who closes after the closing reply (XFR, an error, CVQ's answer): the client, within
     * {@code limits.close-wait} (clients.md point 8), or the server at once.
     */
    public enum Closing { WAIT_FOR_CLIENT, AT_ONCE }

    /** The switches for behaviours the sources disagree on (sources.md §3). */
    public record Protocol(VerReplyStyle verReply, DialectNames dialectNames, List<String> infMsnp2,
                           RemovedCommand infInMsnp8Plus, RemovedCommand md5InMsnp8Plus, Boolean outReply,
                           Integer noNotificationServer, @JsonProperty("cvr0-fallback") Boolean cvr0Fallback,
                           Closing closing) {
        static final Protocol DEFAULT = new Protocol(null, null, null, null, null, null, null, null, null);

        public Protocol {
            verReply = orDefault(verReply, VerReplyStyle.ECHO_CVR0);
            dialectNames = orDefault(dialectNames, DialectNames.CASE_SENSITIVE);
            infMsnp2 = infMsnp2 == null ? List.of("MD5") : List.copyOf(infMsnp2);
            if (infMsnp2.isEmpty() || !infMsnp2.stream().allMatch(p -> p.equals("MD5") || p.equals("CTP"))) {
                throw new BadValue("inf-msnp2", "inf-msnp2 lists MD5 and optionally CTP, got " + infMsnp2);
            }
            infInMsnp8Plus = orDefault(infInMsnp8Plus, RemovedCommand.CLOSE);
            md5InMsnp8Plus = orDefault(md5InMsnp8Plus, RemovedCommand.CLOSE);
            outReply = orDefault(outReply, true);
            noNotificationServer = orDefault(noNotificationServer, 600);
            cvr0Fallback = orDefault(cvr0Fallback, true);
            closing = orDefault(closing, Closing.WAIT_FOR_CLIENT);
            if (noNotificationServer != 500 && noNotificationServer != 600 && noNotificationServer != 601) {
                throw new BadValue("no-notification-server", "no-notification-server must be 500, 600 or 601, got " + noNotificationServer);
            }
        }
    }

    /** The Notification Servers clients are referred to. An empty target list refers nobody. */
    public record NotificationServers(Selection selection, List<Target> targets, HealthCheck healthCheck) {
        static final NotificationServers DEFAULT = new NotificationServers(null, null, null);

        public NotificationServers {
            selection = orDefault(selection, Selection.ROUND_ROBIN);
            targets = targets == null ? List.of(new Target(HostPort.parse("127.0.0.1:1864"), 1)) : List.copyOf(targets);
            healthCheck = orDefault(healthCheck, HealthCheck.DEFAULT);
        }
    }

    /** {@code host:port}, or {@code {address: host:port, weight: n}}. */
    public record Target(HostPort address, Integer weight) {
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public Target {
            if (address == null) {
                throw new IllegalArgumentException("a target needs an address (host:port)");
            }
            weight = orDefault(weight, 1);
            if (weight < 1 || weight > 1000) {
                throw new BadValue("weight", "weight must be 1..1000, got " + weight);
            }
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Target of(String address) {
            return new Target(HostPort.parse(address), 1);
        }
    }

    /** Active TCP checks of each target; off, every target counts as healthy. */
    public record HealthCheck(Boolean enabled, Duration interval, Duration timeout, Integer rise, Integer fall) {
        static final HealthCheck DEFAULT = new HealthCheck(null, null, null, null, null);

        public HealthCheck {
            enabled = orDefault(enabled, true);
            interval = orDefault(interval, Duration.ofSeconds(5));
            timeout = orDefault(timeout, Duration.ofSeconds(2));
            rise = orDefault(rise, 2);
            fall = orDefault(fall, 3);
            positive("interval", interval);
            positive("timeout", timeout);
            if (rise < 1) {
                throw new BadValue("rise", "rise must be at least 1, got " + rise);
            }
            if (fall < 1) {
                throw new BadValue("fall", "fall must be at least 1, got " + fall);
            }
        }
    }

    /** The version policy: rules tried in order, and what answers a client none covers. */
    public record Policy(UnknownClients.Mode unknownClients, Url unknownDownloadUrl, Url unknownInfoUrl,
                         ClientVersion versionCeiling, List<RuleEntry> rules) {
        static final Policy DEFAULT = new Policy(null, null, null, null, null);

        public Policy {
            unknownClients = orDefault(unknownClients, UnknownClients.Mode.ECHO);
            unknownDownloadUrl = orDefault(unknownDownloadUrl, new Url("http://messenger.msn.com"));
            unknownInfoUrl = orDefault(unknownInfoUrl, new Url("http://messenger.msn.com"));
            versionCeiling = orDefault(versionCeiling, VersionPolicy.DEFAULT_CEILING);
            rules = rules == null ? List.of() : List.copyOf(rules);
        }

        public VersionPolicy build() {
            return new VersionPolicy(rules.stream().map(RuleEntry::rule).toList(),
                    new UnknownClients(unknownClients, unknownDownloadUrl.text(), unknownInfoUrl.text()), versionCeiling);
        }
    }

    /** One rule of the version policy, as written in the file. */
    public record RuleEntry(String library, List<String> osTypes, List<String> archs, List<LocaleId> locales,
                            ClientVersion from, ClientVersion below, ClientVersion recommended,
                            @JsonProperty("recommended-2") ClientVersion recommended2, ClientVersion minimum,
                            Url downloadUrl, Map<LocaleId, Url> downloadUrls, Url infoUrl) {
        public RuleEntry {
            if (library == null) {
                throw new IllegalArgumentException("a rule needs library");
            }
            if (library.isBlank() || library.indexOf(' ') >= 0) {
                throw new BadValue("library", "library must be one name such as MSNMSGR, or *");
            }
            require(recommended, "recommended");
            require(minimum, "minimum");
            require(downloadUrl, "download-url");
            require(infoUrl, "info-url");
            osTypes = osTypes == null ? List.of() : List.copyOf(osTypes);
            archs = archs == null ? List.of() : List.copyOf(archs);
            locales = locales == null ? List.of() : List.copyOf(locales);
            recommended2 = orDefault(recommended2, recommended);
            downloadUrls = downloadUrls == null ? Map.of() : Map.copyOf(downloadUrls);
            if (recommended.isBelow(minimum)) {
                throw new BadValue("minimum", "minimum " + minimum + " is above recommended " + recommended);
            }
            if (from != null && below != null && !from.isBelow(below)) {
                throw new BadValue("below", "from " + from + " is not below " + below);
            }
            build(library, osTypes, archs, locales, from, below, recommended, recommended2, minimum, downloadUrl,
                    downloadUrls, infoUrl);
        }

        private static void require(Object value, String key) {
            if (value == null) {
                throw new IllegalArgumentException("a rule needs " + key);
            }
        }

        Rule rule() {
            return build(library, osTypes, archs, locales, from, below, recommended, recommended2, minimum, downloadUrl,
                    downloadUrls, infoUrl);
        }

        private static Rule build(String library, List<String> osTypes, List<String> archs, List<LocaleId> locales,
                                  ClientVersion from, ClientVersion below, ClientVersion recommended,
                                  ClientVersion recommended2, ClientVersion minimum, Url downloadUrl,
                                  Map<LocaleId, Url> downloadUrls, Url infoUrl) {
            TreeMap<Integer, String> perLocale = new TreeMap<>();
            downloadUrls.forEach((k, v) -> perLocale.put(k.value(), v.text()));
            return new Rule(library, osTypes, archs, locales.stream().map(LocaleId::value).toList(),
                    Optional.ofNullable(from), Optional.ofNullable(below), recommended, recommended2, minimum,
                    DownloadUrl.of(downloadUrl.text(), perLocale), infoUrl.text());
        }
    }

    /** Per-connection limits and timers. */
    public record Limits(Duration idleTimeout, Duration loginTimeout, Integer maxLineLength, Integer maxConnections,
                         Integer maxConnectionsPerIp, Integer newConnectionsPerIpPerSecond, Integer ipv6PrefixLength,
                         Duration closeWait,
                         Duration closeLinger, Duration shutdownDrain, Duration shutdownGrace) {
        static final Limits DEFAULT = new Limits(null, null, null, null, null, null, null, null, null, null, null);

        public Limits {
            idleTimeout = orDefault(idleTimeout, Duration.ofSeconds(60));
            loginTimeout = orDefault(loginTimeout, Duration.ofSeconds(15));
            positive("idle-timeout", idleTimeout);
            positive("login-timeout", loginTimeout);
            maxLineLength = orDefault(maxLineLength, 4096);
            if (maxLineLength < 256 || maxLineLength > 1 << 20) {
                throw new BadValue("max-line-length", "max-line-length must be 256..1048576 bytes, got " + maxLineLength);
            }
            maxConnections = orDefault(maxConnections, 250_000);
            maxConnectionsPerIp = orDefault(maxConnectionsPerIp, 256);
            newConnectionsPerIpPerSecond = orDefault(newConnectionsPerIpPerSecond, 0);
            if (maxConnections < 1) {
                throw new BadValue("max-connections", "max-connections must be at least 1, got " + maxConnections);
            }
            if (maxConnectionsPerIp < 1) {
                throw new BadValue("max-connections-per-ip", "max-connections-per-ip must be at least 1, got " + maxConnectionsPerIp);
            }
            if (newConnectionsPerIpPerSecond < 0) {
                throw new BadValue("new-connections-per-ip-per-second",
                        "new-connections-per-ip-per-second must be 0 (off) or more, got " + newConnectionsPerIpPerSecond);
            }
            // an IPv6 client usually holds a whole /64 and can take a fresh address per connection
            ipv6PrefixLength = orDefault(ipv6PrefixLength, 64);
            if (ipv6PrefixLength < 32 || ipv6PrefixLength > 128) {
                throw new BadValue("ipv6-prefix-length", "ipv6-prefix-length must be 32..128, got " + ipv6PrefixLength);
            }
            closeWait = orDefault(closeWait, Duration.ofSeconds(5));
            positive("close-wait", closeWait);
            closeLinger = orDefault(closeLinger, Duration.ofSeconds(2));
            shutdownDrain = orDefault(shutdownDrain, Duration.ZERO);
            if (shutdownDrain.isNegative() || shutdownDrain.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new BadValue("shutdown-drain", "shutdown-drain must be 0s..10m, got " + Durations.format(shutdownDrain));
            }
            shutdownGrace = orDefault(shutdownGrace, Duration.ofSeconds(10));
        }
    }
}

package org.msnp.dispatch.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.msnp.dispatch.policy.DownloadUrl;
import org.msnp.dispatch.policy.Rule;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.protocol.ClientVersion;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.ErrorCode;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Lcid;
import org.msnp.dispatch.routing.NsPool.Selection;
import org.msnp.dispatch.session.ForeignHandles;
import org.msnp.dispatch.session.RemovedCommand;
import org.msnp.dispatch.session.SessionRules;
import org.msnp.dispatch.session.VerReplyStyle;

/**
 * The whole configuration file, bound from YAML (keys in kebab-case; unknown keys are refused).
 * Every key is optional: an absent key takes its embedded default, so an empty file, or no file,
 * gives a server that accepts every client and refers it to 127.0.0.1:1864. Values are checked
 * here, as they are bound, so that an error names the file, line and key.
 * docs/configuration.md describes each key.
 */
public record DispatchConfig(String listen, Boolean proxyProtocol, String publicAddress, String dialects,
                             Protocol protocol, NotificationServers notificationServers,
                             List<String> foreignHandles, Policy versionPolicy, Limits limits, AdminConfig admin,
                             GatewayConfig gateway) {

    public DispatchConfig {
        listen = orDefault(listen, "0.0.0.0:1863");
        BindAddress.parse(listen);
        proxyProtocol = orDefault(proxyProtocol, false);
        if (publicAddress != null) {
            HostPort.parse(publicAddress);
        }
        dialects = orDefault(dialects, "MSNP2..MSNP23");
        dialectSet(dialects);
        protocol = orDefault(protocol, Protocol.DEFAULT);
        notificationServers = orDefault(notificationServers, NotificationServers.DEFAULT);
        foreignHandles = foreignHandles == null ? List.of() : List.copyOf(foreignHandles);
        new ForeignHandles(foreignHandles);
        versionPolicy = orDefault(versionPolicy, Policy.DEFAULT);
        limits = orDefault(limits, Limits.DEFAULT);
        admin = orDefault(admin, AdminConfig.DEFAULT);
        gateway = orDefault(gateway, GatewayConfig.DEFAULT);
    }

    /** The embedded defaults: what the server runs on without a file. */
    public static DispatchConfig defaults() {
        return new DispatchConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    public BindAddress listenAddress() {
        return BindAddress.parse(listen);
    }

    /** The address named in XFR as this server; empty: the local address the client reached. */
    public Optional<HostPort> publicHostPort() {
        return Optional.ofNullable(publicAddress).map(HostPort::parse);
    }

    public SessionRules sessionRules() {
        return new SessionRules(dialectSet(dialects), protocol.verReply(),
                protocol.dialectNames() == DialectNames.CASE_INSENSITIVE, protocol.infMsnp2(),
                protocol.infInMsnp8Plus(), protocol.md5InMsnp8Plus(), protocol.outReply(),
                ErrorCode.of(protocol.noNotificationServer()));
    }

    public ForeignHandles foreign() {
        return new ForeignHandles(foreignHandles);
    }

    /** {@code MSNP2..MSNP23}, {@code MSNP8}, or a comma list of those. */
    static EnumSet<Dialect> dialectSet(String text) {
        EnumSet<Dialect> set = EnumSet.noneOf(Dialect.class);
        for (String part : text.split(",")) {
            String p = part.trim();
            int dots = p.indexOf("..");
            Dialect from = dialect(dots < 0 ? p : p.substring(0, dots));
            Dialect to = dots < 0 ? from : dialect(p.substring(dots + 2));
            if (to.compareTo(from) < 0) {
                throw new IllegalArgumentException("'" + p + "' runs backwards");
            }
            set.addAll(EnumSet.range(from, to));
        }
        return set;
    }

    private static Dialect dialect(String name) {
        return Dialect.parse(name.trim(), false).orElseThrow(() -> new IllegalArgumentException(
                "'" + name.trim() + "' is not a dialect: write MSNP2 … MSNP23, a range such as MSNP8..MSNP21, or a comma list"));
    }

    static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    // ------------------------------------------------------------------------------------------

    public enum DialectNames { CASE_SENSITIVE, CASE_INSENSITIVE }

    /** The switches for behaviours the sources disagree on (sources.md §3). */
    public record Protocol(VerReplyStyle verReply, DialectNames dialectNames, List<String> infMsnp2,
                           RemovedCommand infInMsnp8Plus, RemovedCommand md5InMsnp8Plus, Boolean outReply,
                           Integer noNotificationServer) {
        static final Protocol DEFAULT = new Protocol(null, null, null, null, null, null, null);

        public Protocol {
            verReply = orDefault(verReply, VerReplyStyle.ECHO_CVR0);
            dialectNames = orDefault(dialectNames, DialectNames.CASE_SENSITIVE);
            infMsnp2 = infMsnp2 == null ? List.of("MD5") : List.copyOf(infMsnp2);
            if (infMsnp2.isEmpty() || !infMsnp2.stream().allMatch(p -> p.equals("MD5") || p.equals("CTP"))) {
                throw new IllegalArgumentException("inf-msnp2 lists MD5 and optionally CTP, got " + infMsnp2);
            }
            infInMsnp8Plus = orDefault(infInMsnp8Plus, RemovedCommand.CLOSE);
            md5InMsnp8Plus = orDefault(md5InMsnp8Plus, RemovedCommand.CLOSE);
            outReply = orDefault(outReply, true);
            noNotificationServer = orDefault(noNotificationServer, 600);
            if (noNotificationServer != 500 && noNotificationServer != 600 && noNotificationServer != 601) {
                throw new IllegalArgumentException("no-notification-server must be 500, 600 or 601, got " + noNotificationServer);
            }
        }
    }

    /** The Notification Servers clients are referred to. An empty target list refers nobody. */
    public record NotificationServers(Selection selection, List<Target> targets, HealthCheck healthCheck) {
        static final NotificationServers DEFAULT = new NotificationServers(null, null, null);

        public NotificationServers {
            selection = orDefault(selection, Selection.ROUND_ROBIN);
            targets = targets == null ? List.of(new Target("127.0.0.1:1864", 1)) : List.copyOf(targets);
            healthCheck = orDefault(healthCheck, HealthCheck.DEFAULT);
        }
    }

    /** {@code host:port}, or {@code {address: host:port, weight: n}}. */
    public record Target(String address, Integer weight) {
        public Target {
            if (address == null) {
                throw new IllegalArgumentException("a target needs an address (host:port)");
            }
            HostPort.parse(address);
            weight = orDefault(weight, 1);
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException("weight must be 1..1000, got " + weight);
            }
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Target of(String address) {
            return new Target(address, 1);
        }

        public HostPort hostPort() {
            return HostPort.parse(address);
        }
    }

    /** Active TCP checks of each target; off, every target counts as healthy. */
    public record HealthCheck(Boolean enabled, String interval, String timeout, Integer rise, Integer fall) {
        static final HealthCheck DEFAULT = new HealthCheck(null, null, null, null, null);

        public HealthCheck {
            enabled = orDefault(enabled, true);
            interval = orDefault(interval, "5s");
            timeout = orDefault(timeout, "2s");
            DurationText.parse(interval);
            DurationText.parse(timeout);
            rise = orDefault(rise, 2);
            fall = orDefault(fall, 3);
            if (rise < 1 || fall < 1) {
                throw new IllegalArgumentException("rise and fall must be at least 1");
            }
        }

        public Duration intervalDuration() {
            return DurationText.parse(interval);
        }

        public Duration timeoutDuration() {
            return DurationText.parse(timeout);
        }
    }

    /** The version policy: rules tried in order, and what answers a client none covers. */
    public record Policy(UnknownClients.Mode unknownClients, String unknownDownloadUrl, String unknownInfoUrl,
                         String versionCeiling, List<RuleEntry> rules) {
        static final Policy DEFAULT = new Policy(null, null, null, null, null);

        public Policy {
            unknownClients = orDefault(unknownClients, UnknownClients.Mode.ECHO);
            unknownDownloadUrl = url(orDefault(unknownDownloadUrl, "http://messenger.msn.com"), "unknown-download-url");
            unknownInfoUrl = url(orDefault(unknownInfoUrl, "http://messenger.msn.com"), "unknown-info-url");
            versionCeiling = orDefault(versionCeiling, VersionPolicy.DEFAULT_CEILING.text());
            ClientVersion.of(versionCeiling);
            rules = rules == null ? List.of() : List.copyOf(rules);
        }

        public VersionPolicy build() {
            return new VersionPolicy(rules.stream().map(RuleEntry::rule).toList(),
                    new UnknownClients(unknownClients, unknownDownloadUrl, unknownInfoUrl), ClientVersion.of(versionCeiling));
        }
    }

    /** One rule of the version policy, as written in the file. */
    public record RuleEntry(String library, List<String> osTypes, List<String> archs, List<String> locales,
                            String from, String below, String recommended,
                            @JsonProperty("recommended-2") String recommended2, String minimum,
                            String downloadUrl, Map<String, String> downloadUrls, String infoUrl) {
        public RuleEntry {
            require(library, "library");
            require(recommended, "recommended");
            require(minimum, "minimum");
            require(downloadUrl, "download-url");
            require(infoUrl, "info-url");
            osTypes = osTypes == null ? List.of() : List.copyOf(osTypes);
            archs = archs == null ? List.of() : List.copyOf(archs);
            locales = locales == null ? List.of() : List.copyOf(locales);
            recommended2 = orDefault(recommended2, recommended);
            downloadUrls = downloadUrls == null ? Map.of() : Map.copyOf(downloadUrls);
            url(downloadUrl, "download-url");
            url(infoUrl, "info-url");
            build(library, osTypes, archs, locales, from, below, recommended, recommended2, minimum, downloadUrl,
                    downloadUrls, infoUrl);
        }

        private static void require(String value, String key) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("a rule needs " + key);
            }
        }

        Rule rule() {
            return build(library, osTypes, archs, locales, from, below, recommended, recommended2, minimum, downloadUrl,
                    downloadUrls, infoUrl);
        }

        private static Rule build(String library, List<String> osTypes, List<String> archs, List<String> locales,
                                  String from, String below, String recommended, String recommended2, String minimum,
                                  String downloadUrl, Map<String, String> downloadUrls, String infoUrl) {
            TreeMap<Integer, String> perLocale = new TreeMap<>();
            downloadUrls.forEach((k, v) -> perLocale.put(locale(k), url(v, "download-urls." + k)));
            return new Rule(library, osTypes, archs, locales.stream().map(DispatchConfig::locale).toList(),
                    Optional.ofNullable(from).map(ClientVersion::of), Optional.ofNullable(below).map(ClientVersion::of),
                    ClientVersion.of(recommended), ClientVersion.of(recommended2), ClientVersion.of(minimum),
                    DownloadUrl.of(downloadUrl, perLocale), infoUrl);
        }
    }

    static int locale(String text) {
        int lcid = Lcid.parse(text);
        if (lcid == Lcid.MALFORMED || !Lcid.isKnown(lcid)) {
            throw new IllegalArgumentException("'" + text + "' is not a Windows LCID such as 0x0409 (see [MS-LCID])");
        }
        return lcid;
    }

    /** A URL goes into a reply as one token: it must not contain spaces or line breaks. */
    static String url(String text, String key) {
        if (text.isEmpty() || text.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException(key + " must be a non-empty URL of printable ASCII without spaces (encode a space as %20)");
        }
        return text;
    }

    /** Per-connection limits and timers. */
    public record Limits(String idleTimeout, String loginTimeout, Integer maxLineLength, Integer maxConnections,
                         Integer maxConnectionsPerIp, Integer newConnectionsPerIpPerSecond, String closeLinger,
                         String shutdownGrace) {
        static final Limits DEFAULT = new Limits(null, null, null, null, null, null, null, null);

        public Limits {
            idleTimeout = orDefault(idleTimeout, "60s");
            loginTimeout = orDefault(loginTimeout, "15s");
            DurationText.parse(idleTimeout);
            DurationText.parse(loginTimeout);
            maxLineLength = orDefault(maxLineLength, 4096);
            if (maxLineLength < 256 || maxLineLength > 1 << 20) {
                throw new IllegalArgumentException("max-line-length must be 256..1048576 bytes, got " + maxLineLength);
            }
            maxConnections = orDefault(maxConnections, 250_000);
            maxConnectionsPerIp = orDefault(maxConnectionsPerIp, 256);
            newConnectionsPerIpPerSecond = orDefault(newConnectionsPerIpPerSecond, 0);
            if (maxConnections < 1 || maxConnectionsPerIp < 1 || newConnectionsPerIpPerSecond < 0) {
                throw new IllegalArgumentException("connection limits must be positive (new-connections-per-ip-per-second: 0 = off)");
            }
            closeLinger = orDefault(closeLinger, "2s");
            shutdownGrace = orDefault(shutdownGrace, "10s");
            DurationText.parse(closeLinger);
            DurationText.parse(shutdownGrace);
        }

        public Duration idle() {
            return DurationText.parse(idleTimeout);
        }

        public Duration login() {
            return DurationText.parse(loginTimeout);
        }

        public Duration linger() {
            return DurationText.parse(closeLinger);
        }

        public Duration grace() {
            return DurationText.parse(shutdownGrace);
        }
    }
}

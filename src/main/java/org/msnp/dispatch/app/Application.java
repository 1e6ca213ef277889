package org.msnp.dispatch.app;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.msnp.dispatch.admin.AdminServer;
import org.msnp.dispatch.admin.ConsoleSource;
import org.msnp.dispatch.admin.DispatchMetrics;
import org.msnp.dispatch.config.BindAddress;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.config.SharedKeys;
import org.msnp.dispatch.gateway.GatewayServer;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.census.Census;
import org.msnp.dispatch.gateway.GatewaySettings;
import org.msnp.dispatch.net.DispatchServer;
import org.msnp.dispatch.net.EventLoops;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.nodes.Heartbeat;
import org.msnp.dispatch.nodes.Membership;
import org.msnp.dispatch.nodes.PolicyDatabase;
import org.msnp.dispatch.nodes.PolicyDocument;
import org.msnp.dispatch.nodes.PolicyFollower;
import org.msnp.dispatch.nodes.PolicyStatus;
import org.msnp.dispatch.nodes.PolicyStore;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.admission.TrustedProxies;
import org.msnp.dispatch.routing.HealthChecker;
import org.msnp.dispatch.routing.NsPool;
import org.msnp.dispatch.routing.NsTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatch server: its listeners, its Notification-Server pool with health checks,
 * its metrics, and the configuration they answer with. A reload swaps the configuration
 * atomically: connections already open finish on the context they started with.
 */
public final class Application implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");

    private final Optional<Path> file;
    private final DispatchMetrics metrics = new DispatchMetrics();
    /** For the configuration watcher: file reads stay off the event loops. */
    private final EventLoopGroup service;
    /** Every listener and check runs on these, on the transport {@code transport} selects (restart-only). */
    private final EventLoops loops;
    private final AdmissionLimits limits;
    private final AtomicReference<Wiring> wiring = new AtomicReference<>();
    private final DispatchServer tcp;
    private final ConnectionObserver observers;
    /** The caller's observer; closed at stop when it can be (the connection log's writer). */
    private final ConnectionObserver observer;
    private long version = 1;
    private final AdminServer admin;
    private GatewayServer gateway;            // HTTP gateway (docs/gateway.md); null when disabled
    private InetSocketAddress gatewayAddress;
    private volatile DispatchConfig config;
    private volatile NsPool pool;
    private HealthChecker checker;
    private InetSocketAddress tcpAddress;
    private InetSocketAddress adminAddress;
    // The file's bytes as last reloaded and as seen once by the watcher; read and written by the
    // watcher (event loop), SIGHUP reloads (their own thread) and API callers, all under this lock.
    private final Object reloading = new Object();
    private byte[] loadedBytes;
    private byte[] pendingBytes;
    private boolean unreadable;     // the watcher has said so; it says it once per spell
    private io.netty.util.concurrent.ScheduledFuture<?> watcher;
    private io.netty.util.concurrent.ScheduledFuture<?> housekeeping;

    /** The census of finished conversations; empty when {@code census.enabled} is false. */
    private final Optional<Census> census;

    // Several nodes (docs/scaling.md). With policy-source: database, the configuration that runs is
    // the node's own file (local) with the shared keys of the published version (shared; null
    // while none runs: then the file's own). Both change under the reloading lock.
    private final Optional<PolicyFollower> follower;
    private DispatchConfig local;
    private DispatchConfig shared;
    private final String nodeName;
    private com.zaxxer.hikari.HikariDataSource nodesPool;
    private Heartbeat heartbeat;
    private Membership membership;
    private PolicyStore policyStore;

    private Application(DispatchConfig config, DispatchConfig local, DispatchConfig shared, Optional<Path> file,
                        ConnectionObserver observer, Optional<PolicyFollower> follower) {
        // first: an unknown -Dmsnp.transport (the file's value is checked on load) stops the start before anything runs
        Transport.Choice transport;
        try {
            transport = Transport.select(local.transport().label());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + Transport.PROPERTY + ": " + e.getMessage(), e);
        }
        if (transport.fallbackNote() != null) {
            LOG.warn("transport {} asked ({}), but {}", transport.asked(),
                    transport.fromProperty() ? "-D" + Transport.PROPERTY : "configuration key transport", transport.fallbackNote());
        }
        this.config = config;
        this.local = local;
        this.shared = shared;
        this.follower = follower;
        this.nodeName = Census.nodeName(local.census());
        this.file = file;
        this.service = transport.transport().group(1);
        this.loops = EventLoops.perCore(transport.transport());
        this.pool = Contexts.pool(config);
        this.wiring.set(Wiring.of(config, pool, version, config.listen().port()));
        this.limits = new AdmissionLimits(wiring.get().thresholds());
        this.census = Census.start(config.census(), metrics.registry());
        this.observer = observer;
        this.observers = census.isPresent() ? ConnectionObserver.of(metrics, new CensusFeed(census.get()), observer)
                : ConnectionObserver.of(metrics, observer);
        this.tcp = new DispatchServer(Wiring.tcpListener(config), () -> wiring.get().snapshot(),
                () -> wiring.get().trustedProxies(), limits, observers, loops);
        this.admin = new AdminServer(metrics, console(), config.admin().settings());
    }

    /**
     * Starts the listeners of {@code config}; with a file, watches it and reloads on change. With
     * {@code policy-source: database}, the shared keys come from the latest published version
     * (or the cache file), and every version published later is applied as a reload; the file is
     * then not watched. {@code observer} is closed when the application stops if it is
     * {@link AutoCloseable} (the connection log writes what it holds).
     */
    public static Application start(DispatchConfig config, Optional<Path> file, ConnectionObserver observer)
            throws InterruptedException {
        Optional<PolicyFollower> follower = Optional.empty();
        DispatchConfig[] shared = {null};
        if (config.policySource().fromDatabase()) {
            PolicyFollower f = new PolicyFollower(config.policySource(), config.policySource().cachePath(config.census()));
            f.load(doc -> {
                try {
                    shared[0] = sharedOf(doc);
                    return Optional.empty();
                } catch (ConfigException e) {
                    LOG.error("policy: not applied at start: {}", e.getMessage());
                    return Optional.of(e.getMessage());
                }
            });
            follower = Optional.of(f);
        }
        Application app = new Application(shared[0] == null ? config : SharedKeys.merge(config, shared[0]), config,
                shared[0], file, observer, follower);
        try {
            app.startAll();
        } catch (Exception e) {
            // a port in use, for one: leave nothing running behind
            app.stopNow();
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
        return app;
    }

    public static Application start(DispatchConfig config, ConnectionObserver observer) throws InterruptedException {
        return start(config, Optional.empty(), observer);
    }

    public static Application start(DispatchConfig config) throws InterruptedException {
        return start(config, Optional.empty(), new ConnectionLog());
    }

    private void startAll() throws Exception {
        startChecks(pool, config);
        tcpAddress = tcp.start();
        housekeeping = loops.workers().next().scheduleAtFixedRate(() -> {
            limits.sweep(System.nanoTime());
            observers.summarize();
        }, 10, 10, TimeUnit.SECONDS);
        if (config.gateway().enabled()) {
            // after the TCP listener, whose port it names in XFR
            wiring.set(Wiring.of(config, pool, version, tcpAddress.getPort()));
            gateway = new GatewayServer(Wiring.gatewayListener(config), () -> wiring.get().gateway().orElseThrow(),
                    limits, observers, loops);
            gatewayAddress = gateway.start();
        }
        metrics.bindJvmMetrics();
        if (config.admin().enabled()) {
            adminAddress = admin.start();
        }
        startNodes();
        if (file.isPresent() && follower.isEmpty()) {
            synchronized (reloading) {
                try {
                    loadedBytes = read(file.get());
                } catch (IOException e) {
                    loadedBytes = null;     // the watcher says why, and reloads once it can read it again
                }
            }
            watcher = service.next().scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void startChecks(NsPool p, DispatchConfig c) {
        p.targets().forEach(metrics::track);
        DispatchConfig.HealthCheck hc = c.notificationServers().healthCheck();
        if (!hc.enabled() || p.targets().isEmpty()) {
            checker = null;
            return;
        }
        checker = new HealthChecker(p, loops.workers(), loops.transport().clientChannel(), hc.interval(),
                hc.timeout(), hc.rise(), hc.fall(), (target, healthy) -> {
                    metrics.track(target);
                    if (healthy) {
                        LOG.info("Notification Server {} is healthy again", target.address());
                    } else if (p.anyHealthy()) {
                        LOG.warn("Notification Server {} failed {} checks: no referrals until it recovers", target.address(), hc.fall());
                    } else {
                        LOG.error("Notification Server {} failed {} checks: no healthy Notification Server left, USR is answered {}",
                                target.address(), hc.fall(), config.protocol().noNotificationServer());
                    }
                });
        checker.start();
    }

    // --- reload ---------------------------------------------------------------------------------

    /** The outcome of a reload: the new configuration, or the one-line error that kept the old. */
    public record Reload(boolean ok, String message) {
    }

    /**
     * Reloads when the file's bytes changed and then stayed the same for one more poll, so that a
     * file caught half-written by an editor is not taken for the new configuration.
     */
    private void watch() {
        synchronized (reloading) {
            try {
                byte[] now;
                try {
                    now = read(file.get());
                } catch (IOException e) {
                    // out of file descriptors, say: nothing is known about the content, so no reload
                    if (!unreadable) {
                        unreadable = true;
                        LOG.warn("configuration watch: cannot read {} now ({}); not reloading, the running configuration stays",
                                file.get(), reason(e));
                    }
                    return;
                }
                if (unreadable) {
                    unreadable = false;
                    LOG.info("configuration watch: {} can be read again", file.get());
                }
                if (java.util.Arrays.equals(now, loadedBytes)) {
                    pendingBytes = null;
                } else if (java.util.Arrays.equals(now, pendingBytes)) {
                    pendingBytes = null;
                    reload();
                } else {
                    pendingBytes = now;
                }
            } catch (RuntimeException e) {
                LOG.warn("configuration watch: {}", e.toString());
            }
        }
    }

    private static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    /** The system's reason a file could not be read: {@code Too many open files}, {@code no such file}. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Loads the file again; swaps it in if valid, keeps the running configuration if not. With
     * {@code policy-source: database}, the file gives the node-local keys (the shared ones stay
     * those of the running published version) and the database is asked for a newer version.
     */
    public Reload reload() {
        Reload r;
        synchronized (reloading) {
            r = reloadNow();
            lastReload = Optional.of(new ReloadResult(java.time.Instant.now(), r.ok(), r.message()));
        }
        follower.ifPresent(PolicyFollower::wake);
        return r;
    }

    /** When the last reload was tried, and how it went. */
    public record ReloadResult(java.time.Instant at, boolean ok, String message) {
    }

    private volatile Optional<ReloadResult> lastReload = Optional.empty();

    /** The last reload tried since start (a published policy version applied or refused included); empty when none was. */
    public Optional<ReloadResult> lastReload() {
        return lastReload;
    }

    /**
     * Where the running configuration came from: the file's path, or {@code embedded defaults};
     * with {@code policy-source: database} and a published version running, followed by
     * {@code with policy version N from <database>}.
     */
    public String configSource() {
        String own = file.map(Path::toString).orElse("embedded defaults");
        return follower.flatMap(f -> {
            PolicyStatus s = f.status();
            return s.version().isPresent() ? Optional.of(own + " with policy version " + s.version().getAsLong() + " from "
                    + (s.loadedFrom() == PolicyStatus.LoadedFrom.CACHE_FILE ? "the cache file " + f.cacheFile() : s.database()))
                    : Optional.empty();
        }).orElse(own);
    }

    private Reload reloadNow() {
        if (file.isEmpty()) {
            return new Reload(false, "running on embedded defaults: no file to reload");
        }
        DispatchConfig next;
        try {
            byte[] bytes;
            try {
                bytes = read(file.get());
            } catch (IOException e) {
                throw new ConfigException(file.get().toString(), 0, "", "cannot read: " + reason(e)
                        + "; keeping the running configuration");
            }
            loadedBytes = bytes;
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (text.isBlank()) {
                // at start an empty file means the defaults; for a running server it is far more
                // likely a file being rewritten, and the defaults would refer clients to 127.0.0.1
                throw new ConfigException(file.get().toString(), 0, "", "empty; keeping the running configuration");
            }
            next = ConfigLoader.parse(text, file.get().toString());
        } catch (ConfigException e) {
            return refuse(e.getMessage());
        }
        if (follower.isPresent()) {
            local = next;
            if (shared != null) {
                next = SharedKeys.merge(local, shared);
            }
        }
        return swapIn(next, file.get().toString());
    }

    /**
     * Applies a configuration that comes from elsewhere than the file (a published policy
     * version, a tool): the reload path without reading the file. The same atomic swap, metrics
     * and log lines; keys that need a restart are kept and named in the log. With
     * {@code policy-source: database}, the next published version is applied over the node's own
     * file again, not over {@code next}.
     *
     * @param source names the configuration in the log: {@code configuration reloaded from <source>}
     */
    public Reload apply(DispatchConfig next, String source) {
        synchronized (reloading) {
            Reload r = swapIn(next, source);
            lastReload = Optional.of(new ReloadResult(java.time.Instant.now(), r.ok(), r.message()));
            return r;
        }
    }

    private Reload swapIn(DispatchConfig next, String source) {
        swap(next);
        metrics.reloaded(true);
        List<String> restart = needsRestart(config, next);
        DispatchConfig previous = config;
        config = next;
        if (!restart.isEmpty()) {
            LOG.warn("configuration reloaded, but {} only change at restart (still {})", String.join(", ", restart),
                    describeFixed(previous));
        }
        LOG.info("configuration reloaded from {}", source);
        return new Reload(true, "reloaded");
    }

    /** A configuration that cannot be used: the running one stays; counted and logged as a failed reload. */
    private Reload refuse(String message) {
        metrics.reloaded(false);
        LOG.error("configuration not reloaded, still running the previous one: {}", message);
        return new Reload(false, message);
    }

    /**
     * A published version, applied as a reload: its shared keys over this node's own. Empty when
     * applied; else the one-line error, and the running configuration stays.
     */
    private Optional<String> applyPublished(PolicyDocument doc) {
        synchronized (reloading) {
            DispatchConfig next;
            try {
                next = sharedOf(doc);
            } catch (ConfigException e) {
                Reload r = refuse(e.getMessage());
                lastReload = Optional.of(new ReloadResult(java.time.Instant.now(), r.ok(), r.message()));
                return Optional.of(r.message());
            }
            shared = next;
            Reload r = swapIn(SharedKeys.merge(local, next), doc.source() + " (" + follower.orElseThrow().database() + ")");
            lastReload = Optional.of(new ReloadResult(java.time.Instant.now(), r.ok(), r.message()));
            return Optional.empty();
        }
    }

    /**
     * The configuration a published document gives: validated as a file is. A node-local key in
     * it (which {@code policy publish} refuses, so only a hand-written row holds one) is ignored
     * with a warning.
     */
    private static DispatchConfig sharedOf(PolicyDocument doc) throws ConfigException {
        DispatchConfig parsed = ConfigLoader.parse(doc.config(), doc.source());
        for (SharedKeys.LocalKey k : SharedKeys.localKeysIn(doc.config())) {
            LOG.warn("policy: {}:{}: {}: a node-local key in a published version is ignored; this node's own file sets it",
                    doc.source(), k.line(), k.key());
        }
        return parsed;
    }

    /** Replaces context, pool and listener settings with those of {@code next}. */
    private void swap(DispatchConfig next) {
        NsPool nextPool = pool;
        if (!Objects.equals(next.notificationServers(), config.notificationServers())) {
            nextPool = Contexts.pool(next);
            if (checker != null) {
                checker.close();
            }
            metrics.untrack(pool.targets(), nextPool.targets());
            startChecks(nextPool, next);
            pool = nextPool;
        }
        version++;
        Wiring w = Wiring.of(next, nextPool, version, tcpAddress != null ? tcpAddress.getPort() : next.listen().port());
        if (gateway == null || w.gateway().isPresent()) {
            wiring.set(w);
        } else {
            // gateway.enabled changed to false: the running gateway keeps settings until restart
            wiring.set(new Wiring(w.snapshot(), w.trustedProxies(), w.thresholds(), wiring.get().gateway()
                    .map(g -> new GatewaySettings(w.snapshot(), g.publicHost(), g.tcpPort(), g.sessionIdle(), g.maxSessions(),
                            g.maxSessionsPerIp(), g.maxBodyBytes(), g.acceptIps(), g.requestTimeout(), g.keepAliveTimeout()))));
        }
        limits.update(w.thresholds());
        admin.update(next.admin().settings());
    }

    private static List<String> needsRestart(DispatchConfig a, DispatchConfig b) {
        List<String> keys = new ArrayList<>();
        if (!a.listen().equals(b.listen())) {
            keys.add("listen");
        }
        if (!a.transport().equals(b.transport())) {
            keys.add("transport");
        }
        if (!a.proxyProtocol().equals(b.proxyProtocol())) {
            keys.add("proxy-protocol");
        }
        keys.addAll(a.admin().restartKeys(b.admin()));
        if (!a.gateway().enabled().equals(b.gateway().enabled())) {
            keys.add("gateway.enabled");
        }
        if (!a.gateway().listen().equals(b.gateway().listen())) {
            keys.add("gateway.listen");
        }
        if (!a.census().equals(b.census())) {
            keys.add("census");
        }
        if (!a.policySource().equals(b.policySource())) {
            keys.add("policy-source");
        }
        if (!a.membership().equals(b.membership())) {
            keys.add("membership");
        }
        return keys;
    }

    private String describeFixed(DispatchConfig c) {
        return "listen " + c.listen() + (c.proxyProtocol() ? " with PROXY protocol" : "") + ", transport "
                + loops.transport().label();
    }

    // --- several nodes -------------------------------------------------------------------------

    /**
     * Follows the policy database (with {@code policy-source: database}) and writes this node's
     * membership row to the PostgreSQL database it shares with other nodes: the policy database,
     * else the census's when that is PostgreSQL.
     */
    private void startNodes() {
        follower.ifPresent(f -> {
            f.bind(metrics.registry());
            f.follow(this::applyPublished);
        });
        DispatchConfig c = local;
        Optional<String> url;
        Optional<String> user;
        Optional<String> password;
        if (c.policySource().fromDatabase()) {
            url = c.policySource().url();
            user = c.policySource().user();
            password = c.policySource().secret();
        } else if (c.census().enabled() && c.census().jdbcUrl().startsWith("jdbc:postgresql:")) {
            url = Optional.of(c.census().jdbcUrl());
            user = c.census().user();
            password = c.census().secret();
        } else {
            return;
        }
        nodesPool = PolicyDatabase.pool(url.get(), user, password);
        membership = new Membership(nodesPool);
        policyStore = new PolicyStore(nodesPool);
        if (c.membership().enabled()) {
            heartbeat = new Heartbeat(nodesPool, PolicyDatabase.shown(url.get()), nodeName, clientAddress(),
                    c.membership().heartbeatInterval(), () -> follower
                    .map(f -> {
                        PolicyStatus s = f.status();
                        return new Heartbeat.Beat(s.loadedFrom().label(), s.version());
                    })
                    .orElseGet(() -> new Heartbeat.Beat("file", java.util.OptionalLong.empty()))).start();
        }
    }

    /** Where clients reach this node: {@code public-address}, else the listener's address (a wildcard as the host name). */
    private String clientAddress() {
        Optional<org.msnp.dispatch.protocol.HostPort> p = config.publicHostPort();
        if (p.isPresent()) {
            return p.get().toString();
        }
        return tcpAddress.getAddress().isAnyLocalAddress() ? Census.hostName() + ":" + tcpAddress.getPort()
                : org.msnp.dispatch.protocol.HostPort.of(tcpAddress).toString();
    }

    // --- health -----------------------------------------------------------------------------------

    /** Up while the listener is open and at least one NS target is healthy. */
    public AdminServer.Health health() {
        NsPool p = pool;
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        boolean listening = tcp.isListening();
        if (!listening) {
            reasons.add("the dispatch listener is not open");
        }
        if (draining) {
            reasons.add("draining for shutdown");
        }
        long healthy = p.targets().stream().filter(t -> t.isHealthy()).count();
        if (healthy == 0) {
            reasons.add(p.targets().isEmpty() ? "no Notification Server is configured" : "no Notification Server is healthy");
        }
        body.put("status", reasons.isEmpty() ? "up" : "down");
        body.put("listening", listening);
        Map<String, Object> ns = new LinkedHashMap<>();
        p.targets().forEach(t -> ns.put(t.address().toString(), t.isHealthy() ? "healthy" : "unhealthy"));
        body.put("notification-servers", ns);
        body.put("open-connections", tcp.openConnections());
        body.put("node", nodeName);
        body.put("policy", follower.map(f -> f.status().asMap()).orElseGet(() -> Map.of("source", "file")));
        if (!reasons.isEmpty()) {
            body.put("reasons", reasons);
        }
        return new AdminServer.Health(reasons.isEmpty(), body);
    }

    /** What the console's pages and API read of this server. */
    private ConsoleSource console() {
        return new ConsoleSource() {
            @Override
            public RunningConfig running() {
                DispatchConfig c = config;
                return new RunningConfig(configVersion(), configSource(),
                        lastReload.map(r -> new LastReload(r.at(), r.ok(), r.message())), c.versionPolicy().build());
            }

            @Override
            public List<org.msnp.dispatch.nodes.Membership.Node> members() throws java.sql.SQLException {
                return membership().isPresent() ? membership().get().nodes() : List.of();
            }

            @Override
            public AdminServer.Health health() {
                return Application.this.health();
            }

            @Override
            public List<NsTarget> notificationServers() {
                return pool.targets();
            }

            @Override
            public Optional<Census> census() {
                return census;
            }
        };
    }

    // --- accessors and shutdown ---------------------------------------------------------------

    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /** The HTTP gateway's bound address; empty when the gateway is disabled. */
    public Optional<InetSocketAddress> gatewayAddress() {
        return Optional.ofNullable(gatewayAddress);
    }

    /** The admin listener, when enabled. */
    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(adminAddress);
    }

    /** The census, when enabled. */
    public Optional<Census> census() {
        return census;
    }

    /** This node's name among the nodes: {@code census.node}, else the host name. */
    public String nodeName() {
        return nodeName;
    }

    /** Where this node stands with the published policy; empty with {@code policy-source: file}. */
    public Optional<PolicyStatus> policyStatus() {
        return follower.map(PolicyFollower::status);
    }

    /**
     * The nodes sharing this node's PostgreSQL database (the policy database, else the census's);
     * empty when there is none.
     */
    public Optional<Membership> membership() {
        return Optional.ofNullable(membership);
    }

    /** The published policy versions in that database; empty when there is none. */
    public Optional<PolicyStore> policyStore() {
        return Optional.ofNullable(policyStore);
    }

    /** The admission every listener shares. */
    public AdmissionLimits limits() {
        return limits;
    }

    public DispatchServer tcp() {
        return tcp;
    }

    /** The socket transport every listener runs on: the configured {@code transport}, or what this machine has instead. */
    public Transport transport() {
        return loops.transport();
    }

    public DispatchConfig config() {
        return config;
    }

    public DispatchMetrics metrics() {
        return metrics;
    }

    /** The configuration version running now: 1 at start, one more per successful reload. */
    public long configVersion() {
        return wiring.get().snapshot().version();
    }

    /**
     * Graceful stop: first {@code limits.shutdown-drain} with {@code /health} answering 503 while
     * the listeners still accept (a load balancer stops sending new clients), then no new
     * connections and the configured grace period for the open ones.
     */
    @Override
    public void close() throws InterruptedException {
        java.time.Duration drain = config.limits().shutdownDrain();
        if (!drain.isZero()) {
            draining = true;
            LOG.info("draining: /health answers 503 for {} before the listeners close",
                    org.msnp.dispatch.config.Durations.format(drain));
            Thread.sleep(drain.toMillis());
        }
        stop(config.limits().shutdownGrace());
    }

    /** Set while the server drains before it stops: /health fails so that balancers look elsewhere. */
    private volatile boolean draining;

    /** Stops at once, without a grace period (tests). */
    public void stopNow() throws InterruptedException {
        stop(java.time.Duration.ZERO);
    }

    private void stop(java.time.Duration grace) throws InterruptedException {
        if (watcher != null) {
            watcher.cancel(false);
        }
        if (follower.isPresent()) {
            // not a method reference: that would link the follower's class (and load what it catches) even when unused
            follower.get().close();
        }
        if (checker != null) {
            checker.close();
        }
        // one grace period for both listeners: the gateway gets what the TCP listener left of it
        long deadline = System.nanoTime() + grace.toNanos();
        if (gateway != null) {
            gateway.stopAccepting();
        }
        tcp.stop(grace);
        if (gateway != null) {
            gateway.stop(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (housekeeping != null) {
            housekeeping.cancel(false);
        }
        // each part closes even when one before it failed: a part left running would keep the process alive
        stopping("connection summary", observers::summarize);
        stopping("event loops", loops::close);
        if (heartbeat != null) {
            stopping("node heartbeat", heartbeat::close);
        }
        if (nodesPool != null) {
            stopping("node database pool", nodesPool::close);
        }
        // after the listeners: every conversation has been counted
        if (census.isPresent()) {
            stopping("census", census.get()::close);
        }
        if (observer instanceof AutoCloseable c) {
            stopping("connection log", c::close);
        }
        stopping("admin listener", admin::close);
        service.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private static void stopping(String part, AutoCloseable p) {
        try {
            p.close();
        } catch (Exception | LinkageError e) {
            LOG.warn("stop: {}: {}", part, e.toString());
        }
    }
}

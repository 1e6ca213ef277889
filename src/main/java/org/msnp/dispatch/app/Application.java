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
import org.msnp.dispatch.admin.DispatchMetrics;
import org.msnp.dispatch.config.BindAddress;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.gateway.GatewayServer;
import org.msnp.dispatch.net.AdmissionLimits;
import org.msnp.dispatch.net.ConnectionObserver;
import org.msnp.dispatch.net.DispatchServer;
import org.msnp.dispatch.net.ListenerSettings;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.net.TrustedProxies;
import org.msnp.dispatch.routing.HealthChecker;
import org.msnp.dispatch.routing.NsPool;
import org.msnp.dispatch.session.DispatchContext;
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
    private final EventLoopGroup service;
    private final AtomicReference<DispatchContext> context = new AtomicReference<>();
    private final DispatchServer tcp;
    private final ConnectionObserver observers;
    private final AdminServer admin;
    private GatewayServer gateway;            // HTTP gateway (docs/gateway.md); null when disabled
    private InetSocketAddress gatewayAddress;
    private volatile DispatchConfig config;
    private volatile NsPool pool;
    private HealthChecker checker;
    private InetSocketAddress tcpAddress;
    private InetSocketAddress adminAddress;
    private byte[] loadedBytes;
    private byte[] pendingBytes;
    private io.netty.util.concurrent.ScheduledFuture<?> watcher;

    private Application(DispatchConfig config, Optional<Path> file, ConnectionObserver observer) {
        this.config = config;
        this.file = file;
        this.service = Transport.best().group(1);
        this.pool = Contexts.pool(config);
        this.context.set(Contexts.of(config, pool));
        this.observers = ConnectionObserver.of(metrics, observer);
        this.tcp = new DispatchServer(context::get, listenerSettings(config), observers,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.admin = new AdminServer(metrics, this::health, config.admin().settings());
    }

    public static ListenerSettings listenerSettings(DispatchConfig config) {
        BindAddress bind = config.listen();
        DispatchConfig.Limits limits = config.limits();
        return new ListenerSettings(bind.host(), bind.port(), config.proxyProtocol(), config.publicHostPort(),
                limits.loginTimeout(), limits.idleTimeout(), limits.maxLineLength(),
                config.protocol().closing() == DispatchConfig.Closing.AT_ONCE ? java.time.Duration.ZERO : limits.closeWait(),
                limits.closeLinger(),
                new AdmissionLimits.Thresholds(limits.maxConnections(), limits.maxConnectionsPerIp(),
                        limits.newConnectionsPerIpPerSecond(), limits.ipv6PrefixLength()),
                new TrustedProxies(config.proxyProtocolTrusted().stream()
                        .map(r -> new TrustedProxies.Range(r.address(), r.prefixLength())).toList()));
    }

    /** Starts the listeners of {@code config}; with a file, watches it and reloads on change. */
    public static Application start(DispatchConfig config, Optional<Path> file, ConnectionObserver observer)
            throws InterruptedException {
        Application app = new Application(config, file, observer);
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
        if (config.gateway().enabled()) {
            // after the TCP listener, whose port it names in XFR
            gateway = GatewayServer.of(config, context::get, observers, tcpAddress);
            gatewayAddress = gateway.start();
        }
        metrics.bindJvmMetrics();
        if (config.admin().enabled()) {
            adminAddress = admin.start();
        }
        if (file.isPresent()) {
            loadedBytes = read(file.get());
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
        checker = new HealthChecker(p, service, Transport.best().clientChannel(), hc.interval(),
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
        try {
            byte[] now = read(file.get());
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

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Loads the file again; swaps it in if valid, keeps the running configuration if not. */
    public synchronized Reload reload() {
        if (file.isEmpty()) {
            return new Reload(false, "running on embedded defaults: no file to reload");
        }
        byte[] bytes = read(file.get());
        loadedBytes = bytes;
        DispatchConfig next;
        try {
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            if (text.isBlank()) {
                // at start an empty file means the defaults; for a running server it is far more
                // likely a file being rewritten, and the defaults would refer clients to 127.0.0.1
                throw new ConfigException(file.get().toString(), 0, "", "empty or unreadable; keeping the running configuration");
            }
            next = ConfigLoader.parse(text, file.get().toString());
        } catch (ConfigException e) {
            metrics.reloaded(false);
            LOG.error("configuration not reloaded, still running the previous one: {}", e.getMessage());
            return new Reload(false, e.getMessage());
        }
        apply(next);
        metrics.reloaded(true);
        List<String> restart = needsRestart(config, next);
        DispatchConfig previous = config;
        config = next;
        if (!restart.isEmpty()) {
            LOG.warn("configuration reloaded, but {} only change at restart (still {})", String.join(", ", restart),
                    describeFixed(previous));
        }
        LOG.info("configuration reloaded from {}", file.get());
        return new Reload(true, "reloaded");
    }

    /** Replaces context, pool and listener settings with those of {@code next}. */
    private void apply(DispatchConfig next) {
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
        context.set(Contexts.of(next, nextPool));
        tcp.update(listenerSettings(next));
        if (gateway != null) {
            gateway.update(next);
        }
        admin.update(next.admin().settings());
    }

    private static List<String> needsRestart(DispatchConfig a, DispatchConfig b) {
        List<String> keys = new ArrayList<>();
        if (!a.listen().equals(b.listen())) {
            keys.add("listen");
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
        return keys;
    }

    private static String describeFixed(DispatchConfig c) {
        return "listen " + c.listen() + (c.proxyProtocol() ? " with PROXY protocol" : "");
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
        if (!reasons.isEmpty()) {
            body.put("reasons", reasons);
        }
        return new AdminServer.Health(reasons.isEmpty(), body);
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

    public DispatchServer tcp() {
        return tcp;
    }

    public DispatchConfig config() {
        return config;
    }

    public DispatchMetrics metrics() {
        return metrics;
    }

    public NsPool pool() {
        return pool;
    }

    /** Graceful stop: no new connections, open ones get the configured grace period. */
    @Override
    public void close() throws InterruptedException {
        stop(config.limits().shutdownGrace());
    }

    /** Stops at once, without a grace period (tests). */
    public void stopNow() throws InterruptedException {
        stop(java.time.Duration.ZERO);
    }

    private void stop(java.time.Duration grace) throws InterruptedException {
        if (watcher != null) {
            watcher.cancel(false);
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
        admin.close();
        service.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}

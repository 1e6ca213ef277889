package org.msnp.dispatch.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.routing.NsTarget;

/**
 * The server's metrics, in a Prometheus registry (docs/operations.md lists every one):
 * connections open, handshakes by transport / dialect / outcome, error codes sent, referrals
 * per NS target, NS health, refused connections, configuration reloads, handshake duration.
 */
public final class DispatchMetrics implements ConnectionObserver {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> lifetimes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> health = new ConcurrentHashMap<>();
    /** The meters every finished conversation touches, found without building a string key. */
    private final ConcurrentHashMap<HandshakeKey, Counter> handshakes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Counter> referrals = new ConcurrentHashMap<>();
    private final AtomicInteger[] openByTransport = new AtomicInteger[TransportKind.values().length];
    private final Timer[] repliedByTransport = new Timer[TransportKind.values().length];
    private final Timer[] lifetimeByTransport = new Timer[TransportKind.values().length];

    private record HandshakeKey(TransportKind transport, String dialect, String outcome, String verdict) {
    }

    /** Loaded with this class, not at the first finished conversation (see ConnectionLog's LOADED_WITH_IT). */
    private static final Class<?> LOADED_WITH_IT = HandshakeKey.class;

    public DispatchMetrics() {
        for (TransportKind t : TransportKind.values()) {
            openByTransport[t.ordinal()] = openGauge(t.label());
            repliedByTransport[t.ordinal()] = timer(durations, "msnp.handshake.duration",
                    "time from accept (or gateway open) to the last reply sent", t.label(), Duration.ofNanos(100_000));
            lifetimeByTransport[t.ordinal()] = timer(lifetimes, "msnp.connection.duration",
                    "connection lifetime from accept (or gateway open) to close", t.label(), Duration.ofMillis(1));
        }
        reloadCounter("ok");
        reloadCounter("failed");
    }

    /** Adds JVM memory, GC, thread and CPU metrics; called once the listeners are up (start-up time). */
    public void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** The registry, for other parts of the server that export metrics (the census). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    private AtomicInteger openGauge(String transport) {
        return open.computeIfAbsent(transport, t -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("msnp.connections.open", n, AtomicInteger::get).tag("transport", t)
                    .description("connections (TCP) or gateway sessions (HTTP) open now").register(registry);
            return n;
        });
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + '|' + String.join("|", tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
        }
        return c;
    }

    private Counter reloadCounter(String result) {
        return counter("msnp.config.reloads", "configuration reloads by result", "result", result);
    }

    @Override
    public void opened(TransportKind transport) {
        openByTransport[transport.ordinal()].incrementAndGet();
    }

    @Override
    public void finished(ConnectionRecord r) {
        TransportKind kind = r.transport();
        openByTransport[kind.ordinal()].decrementAndGet();
        var summary = r.summary();
        HandshakeKey key = new HandshakeKey(kind, summary.dialect(), summary.outcomeLabel(), summary.verdictLabel());
        Counter handshake = handshakes.get(key);
        if (handshake == null) {
            handshake = handshakes.computeIfAbsent(key, k -> counter("msnp.handshakes",
                    "finished dispatch conversations by outcome and version verdict", "transport", k.transport().label(),
                    "dialect", k.dialect(), "outcome", k.outcome(), "verdict", k.verdict()));
        }
        handshake.increment();
        summary.error().ifPresent(e -> counter("msnp.errors.sent", "error replies sent, by code", "code", e.text()).increment());
        summary.referredTo().ifPresent(ns -> {
            Counter c = referrals.get(ns);
            if (c == null) {
                c = referrals.computeIfAbsent(ns, k -> counter("msnp.referrals", "XFR referrals by Notification Server",
                        "target", k.toString()));
            }
            c.increment();
        });
        if (r.repliedNanos() >= 0) {
            repliedByTransport[kind.ordinal()].record(r.repliedNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        lifetimeByTransport[kind.ordinal()].record(r.duration());
    }

    private Timer timer(ConcurrentHashMap<String, Timer> byTransport, String name, String description, String transport,
                        Duration min) {
        Timer t = byTransport.get(transport);
        if (t == null) {
            t = byTransport.computeIfAbsent(transport, k -> Timer.builder(name)
                    .description(description).tag("transport", k)
                    .publishPercentileHistogram().minimumExpectedValue(min)
                    .maximumExpectedValue(Duration.ofSeconds(120)).register(registry));
        }
        return t;
    }

    @Override
    public void refused(TransportKind transport, Refusal reason) {
        counter("msnp.connections.refused", "connections turned away before their conversation", "transport", transport.label(),
                "reason", reason.label()).increment();
    }

    public void reloaded(boolean ok) {
        reloadCounter(ok ? "ok" : "failed").increment();
    }

    /** Drops the health gauges of targets a reload removed from the pool. */
    public void untrack(java.util.List<NsTarget> before, java.util.List<NsTarget> after) {
        java.util.Set<String> kept = new java.util.HashSet<>();
        after.forEach(t -> kept.add(t.address().toString()));
        for (NsTarget t : before) {
            String k = t.address().toString();
            if (!kept.contains(k) && health.remove(k) != null) {
                registry.find("msnp.ns.healthy").tag("target", k).meters().forEach(registry::remove);
            }
        }
    }

    /** Shows a target's health as msnp_ns_healthy{target} 1/0. */
    public void track(NsTarget target) {
        AtomicInteger g = health.computeIfAbsent(target.address().toString(), k -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder("msnp.ns.healthy", v, AtomicInteger::get).tag("target", k)
                    .description("1 while the Notification Server passes its health check").register(registry);
            return v;
        });
        g.set(target.isHealthy() ? 1 : 0);
    }
}

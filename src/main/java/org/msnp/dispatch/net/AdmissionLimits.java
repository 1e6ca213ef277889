package org.msnp.dispatch.net;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection limits of one listener: open connections overall and per client address, and the
 * rate of new connections per client address (a token bucket holding one second's worth).
 * Thresholds can change on reload; the counts carry on.
 */
public final class AdmissionLimits {

    /** Why a connection was refused; the metric label. */
    public enum Refusal {
        MAX_CONNECTIONS("max-connections"), PER_IP("max-connections-per-ip"), RATE("connection-rate");

        private final String label;

        Refusal(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The thresholds; {@code perIpPerSecond} 0 turns the rate limit off. */
    public record Thresholds(int maxConnections, int maxPerIp, int perIpPerSecond) {
    }

    private volatile Thresholds thresholds;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, PerAddress> byAddress = new ConcurrentHashMap<>();

    public AdmissionLimits(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    public void update(Thresholds t) {
        this.thresholds = t;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public int open() {
        return open.get();
    }

    /** Takes a place for a new connection from {@code address}; null when admitted. */
    Refusal admit(InetAddress address, long nowNanos) {
        Thresholds t = thresholds;
        PerAddress p = byAddress.computeIfAbsent(address, a -> new PerAddress());
        synchronized (p) {
            if (t.perIpPerSecond() > 0 && !p.take(t.perIpPerSecond(), nowNanos)) {
                return Refusal.RATE;
            }
            if (p.open >= t.maxPerIp()) {
                return Refusal.PER_IP;
            }
            if (open.incrementAndGet() > t.maxConnections()) {
                open.decrementAndGet();
                return Refusal.MAX_CONNECTIONS;
            }
            p.open++;
        }
        return null;
    }

    /** Gives back the place of a connection that {@link #admit} admitted. */
    void release(InetAddress address) {
        open.decrementAndGet();
        PerAddress p = byAddress.get(address);
        if (p != null) {
            synchronized (p) {
                p.open--;
            }
        }
    }

    /** Forgets addresses with no open connection and a full bucket; called now and then. */
    void sweep(long nowNanos) {
        Thresholds t = thresholds;
        byAddress.entrySet().removeIf(e -> {
            PerAddress p = e.getValue();
            synchronized (p) {
                return p.open == 0 && (t.perIpPerSecond() == 0 || p.isFull(t.perIpPerSecond(), nowNanos));
            }
        });
    }

    int trackedAddresses() {
        return byAddress.size();
    }

    private static final class PerAddress {
        int open;
        double tokens = -1;
        long refilledAt;

        boolean take(int perSecond, long now) {
            refill(perSecond, now);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }

        boolean isFull(int perSecond, long now) {
            refill(perSecond, now);
            return tokens >= perSecond;
        }

        private void refill(int perSecond, long now) {
            if (tokens < 0) {
                tokens = perSecond;
                refilledAt = now;
                return;
            }
            double add = (now - refilledAt) / 1e9 * perSecond;
            tokens = Math.min(perSecond, tokens + add);
            refilledAt = now;
        }
    }
}

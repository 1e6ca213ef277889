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

    public int open() {
        return open.get();
    }

    /** Takes a place for a new connection from {@code address}; null when admitted. */
    Refusal admit(InetAddress address, long nowNanos) {
        Thresholds t = thresholds;
        Refusal[] refusal = new Refusal[1];
        // check and count inside the map's own lock for this address, so that a sweep cannot
        // remove the entry between the two
        byAddress.compute(address, (a, p) -> {
            PerAddress entry = p != null ? p : new PerAddress();
            if (t.perIpPerSecond() > 0 && !entry.take(t.perIpPerSecond(), nowNanos)) {
                refusal[0] = Refusal.RATE;
            } else if (entry.open >= t.maxPerIp()) {
                refusal[0] = Refusal.PER_IP;
            } else if (open.incrementAndGet() > t.maxConnections()) {
                open.decrementAndGet();
                refusal[0] = Refusal.MAX_CONNECTIONS;
            } else {
                entry.open++;
            }
            return entry;
        });
        return refusal[0];
    }

    /** Gives back the place of a connection that {@link #admit} admitted. */
    void release(InetAddress address) {
        open.decrementAndGet();
        byAddress.computeIfPresent(address, (a, p) -> {
            p.open--;
            return p;
        });
    }

    /** Forgets addresses with no open connection and a full bucket; called now and then. */
    void sweep(long nowNanos) {
        Thresholds t = thresholds;
        for (InetAddress a : byAddress.keySet()) {
            byAddress.computeIfPresent(a, (k, p) ->
                    p.open == 0 && (t.perIpPerSecond() == 0 || p.isFull(t.perIpPerSecond(), nowNanos)) ? null : p);
        }
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

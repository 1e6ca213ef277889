package org.msnp.dispatch.admission;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.msnp.dispatch.observe.Refusal;

/**
 * Connection limits, one set for every listener (the TCP listener and the gateway's HTTP
 * connections count against the same numbers): open connections overall and per client, and the rate of new
 * connections per client (a token bucket holding one second's worth). A client is an IPv4 address,
 * or an IPv6 prefix ({@code /64} by default): one IPv6 host usually holds a whole /64 and could
 * take a fresh address for every connection. Thresholds can change on reload; the counts carry on.
 */
public final class AdmissionLimits {

    /**
     * The thresholds; {@code perIpPerSecond} 0 turns the rate limit off; {@code ipv6PrefixLength}
     * (32..128) is how many leading bits of an IPv6 address make one client.
     */
    public record Thresholds(int maxConnections, int maxPerIp, int perIpPerSecond, int ipv6PrefixLength) {
        public Thresholds {
            if (ipv6PrefixLength < 32 || ipv6PrefixLength > 128) {
                throw new IllegalArgumentException("ipv6PrefixLength must be 32..128, got " + ipv6PrefixLength);
            }
        }

        /** IPv6 clients counted by their /64. */
        public Thresholds(int maxConnections, int maxPerIp, int perIpPerSecond) {
            this(maxConnections, maxPerIp, perIpPerSecond, 64);
        }
    }

    /** What {@link #admit} decided. */
    public sealed interface Admission {
    }

    /**
     * A place held until {@link #release}.
     *
     * @param key the per-client entry it counts in; empty when counted only overall
     */
    public record Place(Optional<InetAddress> key) implements Admission {
    }

    public record Refused(Refusal refusal) implements Admission {
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

    /**
     * Takes a place for a new connection from {@code client}. Empty: a connection that names no
     * client (a trusted proxy's own, e.g. its health check), counted only against the overall cap.
     */
    public Admission admit(Optional<InetAddress> client, long nowNanos) {
        Thresholds t = thresholds;
        if (client.isEmpty()) {
            if (open.incrementAndGet() > t.maxConnections()) {
                open.decrementAndGet();
                return new Refused(Refusal.MAX_CONNECTIONS);
            }
            return new Place(Optional.empty());
        }
        InetAddress key = key(client.get(), t.ipv6PrefixLength());
        Refusal[] refusal = new Refusal[1];
        // check and count inside the map's own lock for this client, so that a sweep cannot
        // remove the entry between the two
        byAddress.compute(key, (a, p) -> {
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
        return refusal[0] != null ? new Refused(refusal[0]) : new Place(Optional.of(key));
    }

    /** Gives back a place {@link #admit} gave (under its own key, whatever a reload changed since). */
    public void release(Place place) {
        open.decrementAndGet();
        place.key().ifPresent(key -> byAddress.computeIfPresent(key, (a, p) -> {
            p.open--;
            return p;
        }));
    }

    /** The client {@code address} counts as: itself (IPv4), or its first {@code ipv6Prefix} bits. */
    static InetAddress key(InetAddress address, int ipv6Prefix) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        for (int bit = ipv6Prefix; bit < 128; bit++) {
            b[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        try {
            return InetAddress.getByAddress(b); // also drops a scope id: one client whatever the interface
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes: cannot happen
        }
    }

    /** Forgets clients with no open connection and a full bucket; called now and then. */
    public void sweep(long nowNanos) {
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

package org.msnp.dispatch.admin;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins per client address: after {@code max} failures within {@code window} of the first
 * one, the address is refused until the window has passed. IPv6 clients count per /64, the block a
 * single host usually holds. The table is bounded: expired entries are dropped when it grows.
 */
final class LoginLimiter {
    private static final int PRUNE_ABOVE = 50_000;

    private record Window(long start, int failures) {
    }

    private final int max;
    private final long windowNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Window> byAddress = new ConcurrentHashMap<>();

    LoginLimiter(int max, Duration window, LongSupplier clock) {
        this.max = max;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /** Seconds until {@code address} may try again; 0 when it may now. */
    long blockedSeconds(String address) {
        Window w = byAddress.get(key(address));
        long now = clock.getAsLong();
        if (w == null || w.failures < max || now - w.start >= windowNanos) {
            return 0;
        }
        return Math.max(1, (w.start + windowNanos - now + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts a failure; returns the failures of this window, this one included. */
    int failed(String address) {
        long now = clock.getAsLong();
        if (byAddress.size() > PRUNE_ABOVE) {
            byAddress.values().removeIf(w -> now - w.start >= windowNanos);
        }
        return byAddress.compute(key(address), (k, w) -> w == null || now - w.start >= windowNanos
                ? new Window(now, 1) : new Window(w.start, w.failures + 1)).failures;
    }

    void succeeded(String address) {
        byAddress.remove(key(address));
    }

    int max() {
        return max;
    }

    static String key(String address) {
        try {
            InetAddress a = InetAddress.getByName(address); // a literal from the socket: no DNS
            return a instanceof Inet6Address ? prefix64(a) : a.getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    private static String prefix64(InetAddress a) throws java.net.UnknownHostException {
        byte[] b = Arrays.copyOf(a.getAddress(), 16);
        Arrays.fill(b, 8, 16, (byte) 0);
        return InetAddress.getByAddress(b).getHostAddress() + "/64";
    }
}

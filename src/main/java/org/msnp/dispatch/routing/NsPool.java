package org.msnp.dispatch.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.NotificationServers;

/**
 * The Notification Servers clients are referred to. Only healthy targets get referrals.
 * Selection is either smooth weighted round-robin, or a weighted rendezvous hash of the user
 * handle, so that a user lands on the same NS while the healthy set is unchanged and only the
 * users of a target that leaves move elsewhere.
 */
public final class NsPool implements NotificationServers {
    public enum Selection { ROUND_ROBIN, HANDLE_HASH }

    private final List<NsTarget> targets;
    private final Selection selection;
    /** Target indexes in smooth weighted round-robin order, one cycle long. */
    private final int[] schedule;
    private final AtomicInteger cursor = new AtomicInteger();

    public NsPool(List<HostPort> addresses, List<Integer> weights, Selection selection) {
        if (addresses.size() != weights.size()) {
            throw new IllegalArgumentException("one weight per target");
        }
        List<NsTarget> list = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            list.add(new NsTarget(addresses.get(i), weights.get(i)));
        }
        this.targets = List.copyOf(list);
        this.selection = selection;
        this.schedule = smoothSchedule(weights);
    }

    public List<NsTarget> targets() {
        return targets;
    }

    public boolean anyHealthy() {
        for (NsTarget t : targets) {
            if (t.isHealthy()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<HostPort> select(String handle) {
        NsTarget t = selection == Selection.HANDLE_HASH ? byHandle(handle) : next();
        return t == null ? Optional.empty() : Optional.of(t.address());
    }

    private NsTarget next() {
        int n = schedule.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            NsTarget t = targets.get(schedule[(start + i) % n]);
            if (t.isHealthy()) {
                return t;
            }
        }
        return null;
    }

    private NsTarget byHandle(String handle) {
        long h = mix(handle.toLowerCase(Locale.ROOT).hashCode());
        NsTarget best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < targets.size(); i++) {
            NsTarget t = targets.get(i);
            if (!t.isHealthy()) {
                continue;
            }
            long x = mix(h ^ mix(t.address().toString().hashCode() * 0x9E3779B97F4A7C15L));
            // uniform in (0,1); weighted rendezvous score -w / ln(u)
            double u = ((x >>> 11) + 0.5) / (double) (1L << 53);
            double score = -t.weight() / Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = t;
            }
        }
        return best;
    }

    /** SplitMix64 finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** nginx's smooth weighted round-robin, unrolled into one cycle. */
    static int[] smoothSchedule(List<Integer> weights) {
        int total = weights.stream().mapToInt(Integer::intValue).sum();
        int[] current = new int[weights.size()];
        int[] out = new int[total];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < current.length; i++) {
                current[i] += weights.get(i);
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            out[step] = best;
        }
        return out;
    }
}

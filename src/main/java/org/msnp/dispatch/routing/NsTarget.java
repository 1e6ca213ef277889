package org.msnp.dispatch.routing;

import org.msnp.dispatch.protocol.HostPort;

/** One Notification Server of the pool and its health as last observed. */
public final class NsTarget {
    private final HostPort address;
    private final int weight;
    private volatile boolean healthy = true;
    private int successes;
    private int failures;

    NsTarget(HostPort address, int weight) {
        this.address = address;
        this.weight = weight;
    }

    public HostPort address() {
        return address;
    }

    public int weight() {
        return weight;
    }

    public boolean isHealthy() {
        return healthy;
    }

    /**
     * Records one check. A healthy target turns unhealthy after {@code fall} failures in a row,
     * an unhealthy one healthy after {@code rise} successes in a row.
     *
     * @return true when the health changed
     */
    synchronized boolean record(boolean ok, int rise, int fall) {
        if (ok) {
            failures = 0;
            successes++;
            if (!healthy && successes >= rise) {
                healthy = true;
                return true;
            }
        } else {
            successes = 0;
            failures++;
            if (healthy && failures >= fall) {
                healthy = false;
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return address + (healthy ? " (healthy)" : " (unhealthy)");
    }
}

package org.msnp.dispatch.cli;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.OptionalLong;
import org.msnp.dispatch.config.DispatchConfig;

/**
 * Every client connection (and every gateway session's connection) holds one file descriptor.
 * When the limits let clients hold more than the process may open, the excess is not refused
 * by a limit but fails in {@code accept} with "Too many open files": better said at start.
 */
final class OpenFileLimit {
    private OpenFileLimit() {
    }

    /** The process's open-file limit (RLIMIT_NOFILE as the JVM runs with it), where the platform tells. */
    static OptionalLong ofProcess() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }

    /** One line naming both numbers when {@code config}'s limits exceed {@code limit}. */
    static Optional<String> warning(DispatchConfig config, long limit) {
        long connections = config.limits().maxConnections();
        String wanted = "limits.max-connections " + connections;
        if (config.gateway().enabled()) {
            long sessions = config.gateway().maxSessions();
            wanted += " + gateway.max-sessions " + sessions + " = " + (connections + sessions);
            connections += sessions;
        }
        if (connections <= limit) {
            return Optional.empty();
        }
        return Optional.of("the open-file limit of this process is " + limit + ", below " + wanted
                + ": connections past it fail with \"Too many open files\"; raise it (LimitNOFILE= in the unit, ulimit -n)"
                + " or lower the limits");
    }
}

package org.msnp.dispatch.config;

import java.util.List;

/**
 * The socket transport a node asks for: {@code auto}, {@code io_uring}, {@code epoll} or
 * {@code nio} (docs/configuration.md, "transport"). Only the name: which of them this machine
 * can run is decided when the server starts.
 */
public record TransportName(String label) {
    /** Every value, {@code auto} first. */
    public static final List<String> KNOWN = List.of("auto", "io_uring", "epoll", "nio");

    public static final TransportName AUTO = new TransportName("auto");

    public TransportName {
        if (!KNOWN.contains(label)) {
            throw new IllegalArgumentException("'" + label + "' is not a transport: write auto, io_uring, epoll or nio");
        }
    }

    public static TransportName parse(String text) {
        return new TransportName(text.trim());
    }

    @Override
    public String toString() {
        return label;
    }
}

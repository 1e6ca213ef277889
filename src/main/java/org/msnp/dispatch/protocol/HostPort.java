package org.msnp.dispatch.protocol;

/**
 * A {@code host:port} as written in XFR. The host is kept as given (name or address) because
 * the client connects to exactly what it reads.
 */
public record HostPort(String host, int port) {
    public HostPort {
        boolean bracketed = host != null && host.startsWith("[") && host.endsWith("]");
        if (host == null || host.isEmpty() || host.indexOf(' ') >= 0 || (!bracketed && host.indexOf(':') >= 0)) {
            throw new IllegalArgumentException("host must be a name, an IPv4 address or a [bracketed] IPv6 address, got '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /** Parses {@code host:port}. */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("expected host:port");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port of '" + text + "' is not a number");
        }
        return new HostPort(text.substring(0, colon), port);
    }

    @Override
    public String toString() {
        return host + ':' + port;
    }
}

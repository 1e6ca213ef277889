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

    /** A socket address as written on the wire and in logs: IPv6 bracketed and compressed. */
    public static HostPort of(java.net.InetSocketAddress a) {
        return new HostPort(hostText(a), a.getPort());
    }

    /** {@code 10.0.0.1}, {@code [2001:db8::7]}, or the unresolved name. */
    public static String hostText(java.net.InetSocketAddress a) {
        java.net.InetAddress ip = a.getAddress();
        if (ip == null) {
            return a.getHostString();
        }
        String text = ip.getHostAddress();
        return ip instanceof java.net.Inet6Address ? "[" + compress(text) + "]" : text;
    }

    /** {@code 2001:db8:0:0:0:0:0:7} → {@code 2001:db8::7}: the longest run of zero groups folded (RFC 5952). */
    static String compress(String full) {
        String scope = "";
        int pct = full.indexOf('%');
        if (pct >= 0) {
            scope = full.substring(pct);
            full = full.substring(0, pct);
        }
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full + scope;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return head + "::" + tail + scope;
    }

    @Override
    public String toString() {
        return host + ':' + port;
    }

    /** Appends {@code host:port} to {@code b} (no string made on the way, as a reply line needs). */
    public StringBuilder appendTo(StringBuilder b) {
        return b.append(host).append(':').append(port);
    }
}

package org.msnp.dispatch.net;

import java.net.SocketAddress;
import java.time.Duration;
import org.msnp.dispatch.session.DispatchSession;

/**
 * One finished connection, for the log and the metrics.
 *
 * @param transport {@code tcp} or {@code http}
 * @param end       why the connection ended: {@code server-closed}, {@code client-closed},
 *                  {@code idle-timeout}, {@code line-too-long}, {@code shutdown}, {@code error}
 */
public record ConnectionRecord(SocketAddress peer, String transport, DispatchSession.Summary summary,
                               Duration duration, String end) {

    /** The log line: {@code peer=… transport=tcp dialect=MSNP8 client=MSNMSGR/6.0.0602 …}. */
    public String logLine() {
        StringBuilder b = new StringBuilder(160);
        b.append("peer=").append(peerText())
                .append(" transport=").append(transport)
                .append(" dialect=").append(summary.dialect());
        summary.client().ifPresentOrElse(c -> b.append(" client=").append(c.library()).append('/').append(c.version())
                        .append(" os=").append(c.osType()).append('/').append(c.osVersion()).append('/').append(c.arch())
                        .append(" locale=").append(c.localeText()),
                () -> b.append(" client=- locale=-"));
        b.append(" outcome=").append(summary.outcomeLabel());
        summary.referredTo().ifPresent(ns -> b.append(" ns=").append(ns));
        summary.dropReason().ifPresent(r -> b.append(" reason=").append(r));
        b.append(" end=").append(end).append(" duration=").append(duration.toMillis()).append("ms");
        return b.toString();
    }

    /** {@code 2001:db8:0:0:0:0:0:7} → {@code 2001:db8::7} (the longest run of zero groups folded). */
    static String shortV6(String full) {
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

    private String peerText() {
        if (peer instanceof java.net.InetSocketAddress a) {
            String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            if (a.getAddress() instanceof java.net.Inet6Address) {
                host = "[" + shortV6(host) + "]";
            }
            return host + ':' + a.getPort();
        }
        return String.valueOf(peer);
    }
}

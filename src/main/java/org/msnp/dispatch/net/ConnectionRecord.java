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

    private String peerText() {
        if (peer instanceof java.net.InetSocketAddress a) {
            return org.msnp.dispatch.protocol.HostPort.hostText(a) + ':' + a.getPort();
        }
        return String.valueOf(peer);
    }
}

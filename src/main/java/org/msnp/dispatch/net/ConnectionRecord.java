package org.msnp.dispatch.net;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.msnp.dispatch.session.DispatchSession;

/**
 * One finished connection, for the log and the metrics.
 *
 * @param transport    {@code tcp} or {@code http}
 * @param repliedNanos time from accept (or gateway open) to the last reply written, in
 *                     nanoseconds; -1 when nothing was sent
 * @param duration     the connection's whole lifetime, the wait for the client's close included
 * @param end          why the connection ended: {@code server-closed}, {@code client-closed},
 *                     {@code close-wait}, {@code idle-timeout}, {@code line-too-long},
 *                     {@code shutdown}, {@code error}
 */
public record ConnectionRecord(SocketAddress peer, String transport, DispatchSession.Summary summary,
                               long repliedNanos, Duration duration, String end) {

    /** Time to the last reply, when one was sent. */
    public Optional<Duration> replied() {
        return repliedNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(repliedNanos));
    }

    /**
     * The log line in logfmt: {@code peer=… transport=tcp dialect=MSNP8 client=MSNMSGR/6.0.0602 …}.
     * Every value the client wrote is quoted where needed, so the line always parses back into
     * exactly the fields written here (docs/operations.md).
     */
    public String logLine() {
        StringBuilder b = new StringBuilder(192);
        b.append("peer=").append(peerText())
                .append(" transport=").append(transport)
                .append(" dialect=");
        Logfmt.value(b, summary.dialect());
        summary.client().ifPresentOrElse(c -> {
            b.append(" client=");
            Logfmt.value(b, c.library() + '/' + c.version());
            b.append(" os=");
            Logfmt.value(b, c.osType() + '/' + c.osVersion() + '/' + c.arch());
            b.append(" locale=");
            Logfmt.value(b, c.localeText());
        }, () -> b.append(" client=- locale=-"));
        b.append(" verdict=").append(summary.verdictLabel())
                .append(" outcome=").append(summary.outcomeLabel());
        summary.offered().ifPresent(o -> {
            b.append(" offered=");
            Logfmt.value(b, o);
        });
        summary.referredTo().ifPresent(ns -> b.append(" ns=").append(ns));
        summary.dropReason().ifPresent(r -> b.append(" reason=").append(r));
        b.append(" end=").append(end).append(" replied=");
        if (repliedNanos < 0) {
            b.append('-');
        } else {
            b.append(repliedNanos / 1_000_000).append("ms");
        }
        b.append(" duration=").append(duration.toMillis()).append("ms");
        return b.toString();
    }

    private String peerText() {
        if (peer instanceof java.net.InetSocketAddress a) {
            return org.msnp.dispatch.protocol.HostPort.hostText(a) + ':' + a.getPort();
        }
        return String.valueOf(peer);
    }
}

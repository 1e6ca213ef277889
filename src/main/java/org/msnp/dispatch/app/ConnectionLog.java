package org.msnp.dispatch.app;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection log: one logfmt line per finished conversation on the logger
 * {@code msnp.connection}, and refused connections summed up per transport and reason, one line
 * per reason per interval ({@link #summarize()}), so that a flood cannot flood the log.
 */
public final class ConnectionLog implements ConnectionObserver {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.connection");
    private static final int REASONS = Refusal.values().length;

    /** Refusals since the last summary, per transport and reason. */
    private final AtomicLongArray refused = new AtomicLongArray(TransportKind.values().length * REASONS);

    @Override
    public void finished(ConnectionRecord record) {
        if (LOG.isInfoEnabled()) {
            LOG.info(line(record));
        }
    }

    @Override
    public void refused(TransportKind transport, Refusal reason) {
        refused.incrementAndGet(transport.ordinal() * REASONS + reason.ordinal());
    }

    /** Writes one line per transport and reason with refusals since the last call; the server calls it every 10 s. */
    @Override
    public void summarize() {
        for (TransportKind t : TransportKind.values()) {
            Map<Refusal, Long> counts = new EnumMap<>(Refusal.class);
            for (Refusal r : Refusal.values()) {
                long n = refused.getAndSet(t.ordinal() * REASONS + r.ordinal(), 0);
                if (n > 0) {
                    counts.put(r, n);
                }
            }
            counts.forEach((r, n) -> LOG.warn("refused transport={} reason={} count={}", t.label(), r.label(), n));
        }
    }

    /**
     * The log line in logfmt: {@code peer=… transport=tcp dialect=MSNP8 client=MSNMSGR/6.0.0602 …}.
     * Every value the client wrote is quoted where needed ({@link Logfmt}), so the line always
     * parses back into exactly the fields written here (docs/operations.md).
     */
    public static String line(ConnectionRecord r) {
        DispatchSession.Summary summary = r.summary();
        StringBuilder b = new StringBuilder(192);
        b.append("peer=").append(peerText(r)).append(" transport=").append(r.transport().label()).append(" dialect=");
        Logfmt.value(b, summary.dialect());
        summary.client().ifPresentOrElse(c -> {
            b.append(" client=");
            Logfmt.value(b, c.library() + '/' + c.version());
            b.append(" os=");
            Logfmt.value(b, c.osType() + '/' + c.osVersion() + '/' + c.arch());
            b.append(" locale=");
            Logfmt.value(b, c.localeText());
        }, () -> b.append(" client=- locale=-"));
        b.append(" verdict=").append(summary.verdictLabel()).append(" outcome=").append(summary.outcomeLabel());
        summary.offered().ifPresent(o -> {
            b.append(" offered=");
            Logfmt.value(b, o);
        });
        summary.referredTo().ifPresent(ns -> b.append(" ns=").append(ns));
        summary.dropReason().ifPresent(reason -> b.append(" reason=").append(reason));
        b.append(" end=").append(r.end().label()).append(" replied=");
        if (r.repliedNanos() < 0) {
            b.append('-');
        } else {
            b.append(r.repliedNanos() / 1_000_000).append("ms");
        }
        b.append(" duration=").append(r.duration().toMillis()).append("ms");
        return b.toString();
    }

    private static String peerText(ConnectionRecord r) {
        if (r.peer() instanceof InetSocketAddress a) {
            return HostPort.hostText(a) + ':' + a.getPort();
        }
        return String.valueOf(r.peer());
    }
}

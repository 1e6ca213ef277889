package org.msnp.dispatch.observe;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.msnp.dispatch.session.DispatchSession;

/**
 * One finished conversation, as every consumer sees it (the connection log, the metrics, the
 * census), whatever the transport.
 *
 * @param peer         the client (with PROXY protocol: the address from the header)
 * @param repliedNanos time from accept (or gateway open) to the last reply written, in
 *                     nanoseconds; -1 when nothing was sent
 * @param duration     the connection's whole lifetime, the wait for the client's close included
 */
public record ConnectionRecord(SocketAddress peer, TransportKind transport, DispatchSession.Summary summary,
                               long repliedNanos, Duration duration, EndReason end) {

    /** Time to the last reply, when one was sent. */
    public Optional<Duration> replied() {
        return repliedNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(repliedNanos));
    }
}

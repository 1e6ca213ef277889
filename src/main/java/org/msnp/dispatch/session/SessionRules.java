package org.msnp.dispatch.session;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.ErrorCode;

/**
 * The protocol switches of one configuration: which dialects are spoken and how each disputed
 * behaviour is answered (sources.md §3). Every default is the most compatible choice.
 *
 * @param dialects            the real dialects offered to clients (CVR0 is always available)
 * @param verReply            VER reply shape
 * @param dialectNamesIgnoreCase accept {@code msnp8} as MSNP8 (DRAFT) instead of as unknown (PIKI)
 * @param infMsnp2            the INF reply list in MSNP2 ({@code MD5} or {@code MD5 CTP})
 * @param infMsnp8Plus        INF after an MSNP8+ VER
 * @param md5Msnp8Plus        {@code USR t MD5 I} after an MSNP8+ VER
 * @param outReply            answer OUT before closing (DRAFT, ESC)
 * @param noNotificationServer the error sent at USR when no NS can take the client (600 or 601)
 * @param cvr0Fallback        answer {@code VER t CVR0} when the client offers CVR0 and no dialect in
 *                            common (so that it can ask for its upgrade with CVQ); off: {@code VER t 0}
 */
public record SessionRules(Set<Dialect> dialects, VerReplyStyle verReply, boolean dialectNamesIgnoreCase,
                           List<String> infMsnp2, RemovedCommand infMsnp8Plus, RemovedCommand md5Msnp8Plus,
                           boolean outReply, ErrorCode noNotificationServer, boolean cvr0Fallback) {

    public SessionRules {
        dialects = dialects.isEmpty() ? EnumSet.noneOf(Dialect.class) : EnumSet.copyOf(dialects);
        infMsnp2 = List.copyOf(infMsnp2);
        if (noNotificationServer != ErrorCode.SERVER_BUSY && noNotificationServer != ErrorCode.SERVER_UNAVAILABLE
                && noNotificationServer != ErrorCode.INTERNAL_SERVER_ERROR) {
            throw new IllegalArgumentException("no-notification-server error must be 500, 600 or 601");
        }
    }

    public static SessionRules defaults() {
        return new SessionRules(EnumSet.allOf(Dialect.class), VerReplyStyle.ECHO_CVR0, false, List.of("MD5"),
                RemovedCommand.CLOSE, RemovedCommand.CLOSE, true, ErrorCode.SERVER_BUSY, true);
    }

    public SessionRules withDialects(Set<Dialect> d) {
        return new SessionRules(d, verReply, dialectNamesIgnoreCase, infMsnp2, infMsnp8Plus, md5Msnp8Plus, outReply,
                noNotificationServer, cvr0Fallback);
    }

    public SessionRules withCvr0Fallback(boolean on) {
        return new SessionRules(dialects, verReply, dialectNamesIgnoreCase, infMsnp2, infMsnp8Plus, md5Msnp8Plus, outReply,
                noNotificationServer, on);
    }
}

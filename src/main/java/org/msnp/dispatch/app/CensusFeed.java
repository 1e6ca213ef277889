package org.msnp.dispatch.app;

import org.msnp.dispatch.census.Census;
import org.msnp.dispatch.census.CensusKey;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.session.DispatchSession;

/** The census as one more consumer of the finished-conversation record: counts it, never waits. */
final class CensusFeed implements ConnectionObserver {
    private final Census census;

    CensusFeed(Census census) {
        this.census = census;
    }

    @Override
    public void finished(ConnectionRecord r) {
        census.count(key(r));
    }

    static CensusKey key(ConnectionRecord r) {
        DispatchSession.Summary s = r.summary();
        ClientInfo c = s.client().orElse(null);
        return new CensusKey(r.transport().label(), s.dialect(), c == null ? null : c.library(), c == null ? null : c.version(),
                c == null ? null : c.osType(), c == null ? null : c.localeText(), s.outcomeLabel(), s.verdictLabel());
    }
}

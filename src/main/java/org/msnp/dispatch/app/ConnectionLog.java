package org.msnp.dispatch.app;

import org.msnp.dispatch.net.ConnectionObserver;
import org.msnp.dispatch.net.ConnectionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per finished connection, on the logger {@code msnp.connection}. */
public final class ConnectionLog implements ConnectionObserver {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.connection");

    @Override
    public void finished(ConnectionRecord record) {
        if (LOG.isInfoEnabled()) {
            LOG.info(record.logLine());
        }
    }
}

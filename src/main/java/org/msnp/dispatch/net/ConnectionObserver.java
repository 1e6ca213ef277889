package org.msnp.dispatch.net;

/** Told about every connection: the connection log and the metrics listen here. */
public interface ConnectionObserver {
    default void opened(String transport) {
    }

    void finished(ConnectionRecord record);

    /** A connection turned away before its conversation began (a limit, a bad PROXY header). */
    default void refused(String transport, String reason) {
    }

    static ConnectionObserver of(ConnectionObserver... observers) {
        return new ConnectionObserver() {
            @Override
            public void opened(String transport) {
                for (ConnectionObserver o : observers) {
                    o.opened(transport);
                }
            }

            @Override
            public void finished(ConnectionRecord record) {
                for (ConnectionObserver o : observers) {
                    o.finished(record);
                }
            }

            @Override
            public void refused(String transport, String reason) {
                for (ConnectionObserver o : observers) {
                    o.refused(transport, reason);
                }
            }
        };
    }
}

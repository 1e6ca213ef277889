package org.msnp.dispatch.net;

/** Told about every connection: the connection log and the metrics listen here. */
public interface ConnectionObserver {
    default void opened(String transport) {
    }

    void finished(ConnectionRecord record);

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
        };
    }
}

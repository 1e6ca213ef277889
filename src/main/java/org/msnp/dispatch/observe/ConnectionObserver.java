package org.msnp.dispatch.observe;

/**
 * Told about every conversation, by both transports alike: the connection log, the metrics and
 * the census listen here. Called on event-loop threads: an observer must not block.
 */
public interface ConnectionObserver {
    default void opened(TransportKind transport) {
    }

    void finished(ConnectionRecord record);

    /** A connection turned away before its conversation began. */
    default void refused(TransportKind transport, Refusal reason) {
    }

    /** Called every 10 s and at stop: an observer that sums things up for the log writes them now. */
    default void summarize() {
    }

    static ConnectionObserver of(ConnectionObserver... observers) {
        return new ConnectionObserver() {
            @Override
            public void opened(TransportKind transport) {
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
            public void refused(TransportKind transport, Refusal reason) {
                for (ConnectionObserver o : observers) {
                    o.refused(transport, reason);
                }
            }

            @Override
            public void summarize() {
                for (ConnectionObserver o : observers) {
                    o.summarize();
                }
            }
        };
    }
}

package org.msnp.dispatch.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;

/** Test configurations and a recording observer. */
final class TestServers {
    private TestServers() {
    }

    /** YAML with the listener and admin on free loopback ports, plus {@code rest}. */
    static DispatchConfig config(String rest) throws Exception {
        return ConfigLoader.parse("listen: 127.0.0.1:0\nadmin:\n  listen: 127.0.0.1:0\n" + rest, "test.yaml");
    }

    /** A whole YAML configuration as given. */
    static DispatchConfig configRaw(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    /** Records every finished connection and every refusal. */
    static final class Recorder implements ConnectionObserver {
        final List<ConnectionRecord> finished = Collections.synchronizedList(new ArrayList<>());
        final List<String> refused = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void finished(ConnectionRecord record) {
            finished.add(record);
        }

        @Override
        public void refused(org.msnp.dispatch.observe.TransportKind transport, org.msnp.dispatch.observe.Refusal reason) {
            refused.add(reason.label());
        }

        List<String> ends() {
            synchronized (finished) {
                return finished.stream().map(r -> r.end().label()).toList();
            }
        }
    }
}

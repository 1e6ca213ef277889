package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.net.Transports;
import org.msnp.dispatch.observe.ConnectionRecord;

/**
 * A test against one running server that refers every client to 10.0.0.5:1863 (health checks
 * off), with every finished conversation and refusal recorded; stopped after each test.
 */
abstract class RunningServer {
    final TestServers.Recorder recorder = new TestServers.Recorder();
    Application app;

    /** Starts the server on the base configuration plus {@code extra} YAML. */
    Application start(String extra) throws Exception {
        app = Application.start(TestServers.config(base() + extra), recorder);
        return app;
    }

    /**
     * Starts the server on {@code transport} (its {@code transport} key) with the base
     * configuration plus {@code extra}; fails when this machine cannot run that transport.
     */
    Application start(Transport transport, String extra) throws Exception {
        Transports.require(transport);
        start(Transports.yaml(transport) + extra);
        Transports.assertRuns(app.transport(), transport);
        return app;
    }

    /** The YAML every test of the class starts from. */
    String base() {
        return """
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                """;
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.stopNow();
        }
    }

    /** The {@code n}th finished conversation (from 1), waiting up to 3 s for it. */
    ConnectionRecord awaitRecord(int n) throws InterruptedException {
        for (int i = 0; i < 150 && recorder.finished.size() < n; i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.finished).hasSizeGreaterThanOrEqualTo(n);
        return recorder.finished.get(n - 1);
    }
}

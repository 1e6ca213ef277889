package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: stop accepting, let handshakes in flight finish, then close the rest. */
class ShutdownTest {

    @Test
    void handshakesInFlightFinishAndTheRestCloseAtTheEndOfTheGrace() throws Exception {
        TestServers.Recorder recorder = new TestServers.Recorder();
        Application app = Application.start(TestServers.config("""
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                limits: {shutdown-grace: 1500ms}
                """), recorder);
        InetSocketAddress address = app.tcpAddress();
        try (Wire inFlight = new Wire(address); Wire idle = new Wire(address)) {
            inFlight.send("VER 1 MSNP8 CVR0\r\n");
            assertThat(inFlight.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            idle.send("VER 1 MSNP8 CVR0\r\n");
            assertThat(idle.readLine()).isEqualTo("VER 1 MSNP8 CVR0");

            Thread stopper = new Thread(() -> {
                try {
                    app.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            for (int i = 0; i < 100 && app.tcp().isListening(); i++) {
                Thread.sleep(10);
            }
            assertThat(app.tcp().isListening()).isFalse();
            assertThatThrownBy(() -> new Wire(address).close()).isInstanceOf(IOException.class);

            inFlight.send("USR 2 TWN I example@hotmail.com\r\n");
            assertThat(inFlight.readToClose(3000)).containsExactly("XFR 2 NS 10.0.0.5:1863 0 10.0.0.1:1863");

            List<String> rest = idle.readToClose(5000);
            assertThat(rest).isEmpty();
            stopper.join(10_000);
            assertThat(stopper.isAlive()).isFalse();
        }
        assertThat(recorder.ends()).containsExactlyInAnyOrder("client-closed", "shutdown");
    }

    @Test
    void aDrainingServerFailsItsHealthCheckWhileItStillServes() throws Exception {
        Application app = Application.start(TestServers.config("""
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                limits: {shutdown-drain: 1500ms, shutdown-grace: 1s, close-wait: 200ms}
                """), r -> { });
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI health = java.net.URI.create("http://127.0.0.1:" + app.adminAddress().orElseThrow().getPort() + "/health");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(health).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        Thread stopper = new Thread(() -> {
            try {
                app.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        java.net.http.HttpResponse<String> during = null;
        for (int i = 0; i < 50; i++) {
            during = http.send(java.net.http.HttpRequest.newBuilder(health).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (during.statusCode() == 503) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(during.body()).contains("draining for shutdown");
        // still served while the balancer notices
        assertThat(Wire.msnp8Login(app.tcpAddress(), null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        stopper.join(15_000);
        assertThat(stopper.isAlive()).isFalse();
        assertThat(app.tcp().isListening()).isFalse();
    }
}

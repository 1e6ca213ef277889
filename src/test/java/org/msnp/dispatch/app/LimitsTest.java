package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each abusive client is closed as configured while a normal client's handshake, from another
 * loopback address, still succeeds in the same test.
 */
class LimitsTest {
    static final List<String> NORMAL = List.of("VER 1 MSNP8 CVR0",
            "CVR 2 6.0.0602 6.0.0602 6.0.0602 http://messenger.msn.com http://messenger.msn.com",
            "XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");

    final TestServers.Recorder recorder = new TestServers.Recorder();
    Application app;

    Application start(String limits) throws Exception {
        app = Application.start(TestServers.config("""
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                limits:
                """ + limits), recorder);
        return app;
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.stopNow();
        }
    }

    void normalClientSucceeds() throws Exception {
        assertThat(Wire.msnp8Login(app.tcpAddress(), "127.0.0.2")).isEqualTo(NORMAL);
    }

    @Test
    void anOverLongLineIsClosed() throws Exception {
        start("  max-line-length: 512\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("VER 1 " + "MSNP8 ".repeat(200) + "\r\n");
            assertThat(w.readToClose(3000)).isEmpty();
        }
        normalClientSucceeds();
        awaitEnd("line-too-long");
    }

    @Test
    void aClientSilentBeforeVerIsClosedAtTheLoginTimeout() throws Exception {
        start("  login-timeout: 300ms\n  idle-timeout: 60s\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            long t0 = System.nanoTime();
            assertThat(w.readToClose(5000)).isEmpty();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(4000);
        }
        normalClientSucceeds();
        awaitEnd("login-timeout");
    }

    @Test
    void aClientSilentAfterVerIsClosedAtTheIdleTimeout() throws Exception {
        start("  idle-timeout: 300ms\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("VER 1 MSNP8 CVR0\r\n");
            assertThat(w.readUntilServerCloses(5000)).containsExactly("VER 1 MSNP8 CVR0");
        }
        normalClientSucceeds();
        awaitEnd("idle-timeout");
    }

    @Test
    void aSlowlorisTricklingOneByteASecondIsClosed() throws Exception {
        start("  login-timeout: 1s\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            boolean closed = false;
            for (byte b : "VER 1 MSNP8 CVR0\r\n".getBytes()) {
                try {
                    w.send(new byte[] {b});
                } catch (java.io.IOException e) {
                    closed = true;
                    break;
                }
                normalClientSucceeds();
                w.socket.setSoTimeout(1000);
                try {
                    if (w.socket.getInputStream().read() < 0) {
                        closed = true;
                        break;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // still open: next byte
                } catch (java.net.SocketException e) {
                    closed = true;
                    break;
                }
            }
            assertThat(closed).as("closed before the line was complete").isTrue();
        }
        awaitEnd("login-timeout");
    }

    @Test
    void tooManyConnectionsFromOneAddressAreRefused() throws Exception {
        start("  max-connections-per-ip: 3\n");
        List<Wire> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(new Wire(app.tcpAddress()).send("VER 1 MSNP8 CVR0\r\n"));
                assertThat(held.get(i).readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            }
            try (Wire fourth = new Wire(app.tcpAddress())) {
                fourth.send("VER 1 MSNP8 CVR0\r\n");
                assertThat(fourth.readToClose(3000)).isEmpty();
            }
            normalClientSucceeds();
            assertThat(recorder.refused).contains("max-connections-per-ip");
        } finally {
            for (Wire w : held) {
                w.close();
            }
        }
    }

    @Test
    void theNewConnectionRatePerAddressIsCapped() throws Exception {
        start("  new-connections-per-ip-per-second: 5\n");
        int served = 0;
        for (int i = 0; i < 12; i++) {
            try (Wire w = new Wire(app.tcpAddress())) {
                w.send("VER 1 MSNP8 CVR0\r\n");
                String first;
                try {
                    first = w.readLine();
                } catch (java.net.SocketException e) {
                    first = null;
                }
                if ("VER 1 MSNP8 CVR0".equals(first)) {
                    served++;
                }
            }
        }
        assertThat(served).isBetween(5, 8);
        assertThat(recorder.refused).contains("connection-rate");
        normalClientSucceeds();
    }

    @Test
    void theOverallConnectionCapHolds() throws Exception {
        start("  max-connections: 2\n");
        try (Wire a = new Wire(app.tcpAddress()); Wire b = new Wire(app.tcpAddress(), "127.0.0.3")) {
            a.send("VER 1 MSNP8 CVR0\r\n");
            b.send("VER 1 MSNP8 CVR0\r\n");
            assertThat(a.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(b.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            try (Wire c = new Wire(app.tcpAddress(), "127.0.0.4")) {
                c.send("VER 1 MSNP8 CVR0\r\n");
                assertThat(c.readToClose(3000)).isEmpty();
            }
        }
        assertThat(recorder.refused).contains("max-connections");
        for (int i = 0; i < 50 && app.limits().open() > 0; i++) {
            Thread.sleep(20);
        }
        normalClientSucceeds();
    }

    @Test
    void anIpv6ClientOverTheIpv6LoopbackIsLimitedAndGetsItsPlaceBack() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, v6)) {
            assertThat(probe.getInetAddress()).isEqualTo(v6);
        } catch (java.io.IOException e) {
            throw new AssertionError("this test needs the IPv6 loopback ::1 (see `ip -6 addr show lo`)", e);
        }
        app = Application.start(org.msnp.dispatch.config.ConfigLoader.parse("""
                listen: "[::1]:0"
                admin: {enabled: false}
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                limits: {max-connections-per-ip: 1}
                """, "test.yaml"), recorder);
        assertThat(app.tcpAddress().getAddress()).isEqualTo(v6);
        try (Wire held = new Wire(app.tcpAddress(), "::1")) {
            held.send("VER 1 MSNP8 CVR0\r\n");
            assertThat(held.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            try (Wire second = new Wire(app.tcpAddress(), "::1")) {
                second.send("VER 1 MSNP8 CVR0\r\n");
                assertThat(second.readToClose(3000)).isEmpty();
            }
            assertThat(recorder.refused).containsExactly("max-connections-per-ip");
        }
        // the place of the closed connection is given back to the client's /64
        for (int i = 0; i < 100 && app.limits().open() > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(Wire.msnp8Login(app.tcpAddress(), "::1")).isEqualTo(NORMAL);
    }

    void awaitEnd(String end) throws InterruptedException {
        for (int i = 0; i < 100 && !recorder.ends().contains(end); i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.ends()).contains(end);
    }
}

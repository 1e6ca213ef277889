package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behind a load balancer: the PROXY header names the client for logs, limits and metrics. */
class ProxyProtocolTest {
    final TestServers.Recorder recorder = new TestServers.Recorder();
    Application app;

    Application start(String extra) throws Exception {
        app = Application.start(TestServers.config("""
                proxy-protocol: true
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                """ + extra), recorder);
        return app;
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.stopNow();
        }
    }

    static final String LOGIN = "VER 1 MSNP8 CVR0\r\nUSR 2 TWN I example@hotmail.com\r\n";

    String peerOfLastConnection() throws InterruptedException {
        for (int i = 0; i < 100 && recorder.finished.isEmpty(); i++) {
            Thread.sleep(20);
        }
        InetSocketAddress peer = (InetSocketAddress) recorder.finished.get(recorder.finished.size() - 1).peer();
        return peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }

    @Test
    void aVersion1HeaderNamesTheClientAndTheAddressItReached() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0",
                    "XFR 2 NS 10.0.0.5:1863 0 198.51.100.1:1863");
        }
        assertThat(peerOfLastConnection()).isEqualTo("203.0.113.7:40000");
    }

    @Test
    void theConfiguredPublicAddressStillNamesThisServerInXfr() throws Exception {
        start("public-address: 10.0.0.1:1863\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0", "XFR 2 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        }
    }

    @Test
    void aVersion2HeaderIsUnderstood() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send(v2Header(new byte[] {(byte) 192, 0, 2, 44}, new byte[] {(byte) 198, 51, 100, 1}, 51000, 1863));
            w.send(LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0",
                    "XFR 2 NS 10.0.0.5:1863 0 198.51.100.1:1863");
        }
        assertThat(peerOfLastConnection()).isEqualTo("192.0.2.44:51000");
    }

    @Test
    void aConnectionWithoutTheHeaderIsClosed() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send(LOGIN);
            assertThat(w.readToClose(3000)).isEmpty();
        }
        for (int i = 0; i < 100 && recorder.refused.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.refused).containsExactly("proxy-header");
        assertThat(recorder.finished).isEmpty();
    }

    @Test
    void perAddressLimitsCountTheRealClient() throws Exception {
        start("limits: {max-connections-per-ip: 1}\n");
        try (Wire a = new Wire(app.tcpAddress()); Wire b = new Wire(app.tcpAddress()); Wire c = new Wire(app.tcpAddress())) {
            a.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\nVER 1 MSNP8 CVR0\r\n");
            b.send("PROXY TCP4 203.0.113.8 198.51.100.1 40001 1863\r\nVER 1 MSNP8 CVR0\r\n");
            assertThat(a.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(b.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            c.send("PROXY TCP4 203.0.113.7 198.51.100.1 40002 1863\r\nVER 1 MSNP8 CVR0\r\n");
            assertThat(c.readToClose(3000)).isEmpty();
        }
    }

    /** PROXY protocol v2, PROXY command, TCP over IPv4. */
    static byte[] v2Header(byte[] src, byte[] dst, int srcPort, int dstPort) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        out.write(0x21);
        out.write(0x11);
        ByteBuffer addr = ByteBuffer.allocate(12).put(src).put(dst).putShort((short) srcPort).putShort((short) dstPort);
        out.write(0);
        out.write(12);
        out.writeBytes(addr.array());
        return out.toByteArray();
    }

    static {
        // keep the v1 header ASCII-only
        assert "PROXY".getBytes(StandardCharsets.US_ASCII).length == 5;
    }
}

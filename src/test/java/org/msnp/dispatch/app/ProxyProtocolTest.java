package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behind a load balancer: the PROXY header names the client for logs, limits and metrics. On the
 * default transport of Linux (epoll) the TCP listener runs without channels ({@code direct});
 * {@link ProxyProtocolPipelineTest} runs every case again on Netty's channel pipeline.
 */
class ProxyProtocolTest extends RunningServer {
    @Override
    String base() {
        return """
                proxy-protocol: true
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                """ + transport();
    }

    /** The transport key of every configuration here ("": the default). */
    String transport() {
        return "";
    }

    /** The one refusal recorded is {@code reason}, no conversation was, and no connection is left open. */
    void assertOnlyRefused(String reason) throws InterruptedException {
        for (int i = 0; i < 100 && recorder.refused.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.refused).containsExactly(reason);
        assertThat(recorder.finished).isEmpty();
        awaitNoConnectionOpen();
    }

    void awaitNoConnectionOpen() throws InterruptedException {
        for (int i = 0; i < 100 && app.tcp().openConnections() > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(app.tcp().openConnections()).as("every connection counted out once closed").isZero();
    }

    /** How the TCP listener serves its connections here. */
    String expectedConnections() {
        org.msnp.dispatch.net.Transports.require(org.msnp.dispatch.net.Transport.EPOLL);
        return "direct";
    }

    @Test
    void theListenerServesItsConnectionsAsExpected() throws Exception {
        start("");
        assertThat(app.tcp().connections()).isEqualTo(expectedConnections());
    }

    @Test
    void aHeaderSplitOverSeveralSegmentsIsAwaitedWhole() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            byte[] header = v2Header(new byte[] {(byte) 192, 0, 2, 44}, new byte[] {(byte) 198, 51, 100, 1}, 51000, 1863);
            w.send(java.util.Arrays.copyOfRange(header, 0, 7));
            Thread.sleep(50);
            w.send(java.util.Arrays.copyOfRange(header, 7, 20));
            Thread.sleep(50);
            // the rest of the header and the first line in one segment
            byte[] rest = java.util.Arrays.copyOfRange(header, 20, header.length);
            byte[] ver = "VER 1 MSNP8 CVR0\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] both = java.util.Arrays.copyOf(rest, rest.length + ver.length);
            System.arraycopy(ver, 0, both, rest.length, ver.length);
            w.send(both);
            assertThat(w.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            w.send("USR 2 TWN I example@hotmail.com\r\n");
            assertThat(w.readToClose(3000)).containsExactly("XFR 2 NS 10.0.0.5:1863 0 198.51.100.1:1863");
        }
        assertThat(peerOfLastConnection()).isEqualTo("192.0.2.44:51000");
    }

    @Test
    void aHeaderThatDoesNotComeWithinTheLoginTimeoutIsRefused() throws Exception {
        start("limits: {login-timeout: 300ms}\n");
        long started = System.nanoTime();
        try (Wire w = new Wire(app.tcpAddress())) {
            // part of a header, never finished
            w.send("PROXY TCP4 203.0.113.7 ");
            assertThat(w.readToClose(5000)).isEmpty();
            assertThat((System.nanoTime() - started) / 1_000_000).as("closed by the header's time limit, ms")
                    .isBetween(200L, 4000L);
        }
        assertOnlyRefused("proxy-header-timeout");
    }

    @Test
    void aMalformedHeaderIsRefusedAndTheListenerGoesOn() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("PROXY TCP4 not-an-address 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).isEmpty();
        }
        for (int i = 0; i < 100 && recorder.refused.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.refused).containsExactly("proxy-header");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0",
                    "XFR 2 NS 10.0.0.5:1863 0 198.51.100.1:1863");
        }
        assertThat(peerOfLastConnection()).isEqualTo("203.0.113.7:40000");
        assertThat(recorder.finished).as("only the admitted connection is recorded").hasSize(1);
        awaitNoConnectionOpen();
    }

    @Test
    void aResetBeforeTheHeaderIsCountedAsABadHeader() throws Exception {
        start("");
        Wire w = new Wire(app.tcpAddress());
        w.send("PROXY TCP4 203.0");
        Thread.sleep(100);
        // a zero linger time: the close is a reset
        w.socket.setSoLinger(true, 0);
        w.close();
        assertOnlyRefused("proxy-header");
    }

    @Test
    void aStopEndsAConnectionStillAwaitingItsHeaderAtOnce() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("PROXY TCP4 203.0.113.7 ");
            awaitOpen(1);
            long started = System.nanoTime();
            Application stopping = app;
            app = null;
            Thread stop = new Thread(() -> {
                try {
                    stopping.stopNow();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stop.start();
            assertThat(w.readToClose(10_000)).isEmpty();
            assertThat((System.nanoTime() - started) / 1_000_000).as("closed by the stop itself, ms").isLessThan(2500L);
            stop.join(10_000);
        }
        assertThat(recorder.refused).as("a stop is no refusal").isEmpty();
        assertThat(recorder.finished).as("never admitted: nothing to record").isEmpty();
    }

    void awaitOpen(int n) throws InterruptedException {
        for (int i = 0; i < 100 && app.tcp().openConnections() != n; i++) {
            Thread.sleep(20);
        }
        assertThat(app.tcp().openConnections()).isEqualTo(n);
    }

    @Test
    void aV2HeaderWithoutADestinationPortLeavesTheListenersOwnAddressInXfr() throws Exception {
        start("");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send(v2Header(new byte[] {(byte) 192, 0, 2, 44}, new byte[] {(byte) 198, 51, 100, 1}, 51000, 0));
            w.send(LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0",
                    "XFR 2 NS 10.0.0.5:1863 0 127.0.0.1:" + app.tcpAddress().getPort());
        }
        assertThat(peerOfLastConnection()).isEqualTo("192.0.2.44:51000");
        awaitNoConnectionOpen();
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
        assertOnlyRefused("proxy-header");
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

    @Test
    void aPeerOutsideTheTrustedProxiesIsRefusedBeforeItsHeaderCounts() throws Exception {
        // the trusted proxy is 127.0.0.2; the client connects straight from 127.0.0.1 and forges
        // a new source in every header
        start("proxy-protocol-trusted: [127.0.0.2]\nlimits: {max-connections-per-ip: 1}\n");
        for (int i = 1; i <= 20; i++) {
            try (Wire w = new Wire(app.tcpAddress(), "127.0.0.1")) {
                w.send("PROXY TCP4 203.0.113." + i + " 198.51.100.1 40000 1863\r\n" + LOGIN);
                assertThat(w.readToClose(3000)).as("connection %d", i).isEmpty();
            }
        }
        for (int i = 0; i < 100 && recorder.refused.size() < 20; i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.refused).hasSize(20).containsOnly("untrusted-proxy");
        assertThat(recorder.finished).as("no conversation, so no forged peer= in the log").isEmpty();
        assertThat(app.metrics().scrape()).containsPattern(
                "msnp_connections_refused_total\\{reason=\"untrusted-proxy\",transport=\"tcp\"} 20\\.0");

        // the trusted proxy is still believed
        try (Wire w = new Wire(app.tcpAddress(), "127.0.0.2")) {
            w.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0", "XFR 2 NS 10.0.0.5:1863 0 198.51.100.1:1863");
        }
        assertThat(peerOfLastConnection()).isEqualTo("203.0.113.7:40000");
    }

    @Test
    void anUntrustedPeerIsRefusedEvenWithoutSendingAnything() throws Exception {
        start("proxy-protocol-trusted: [\"::1\", 10.0.0.0/8]\n");
        try (Wire w = new Wire(app.tcpAddress(), "127.0.0.1")) {
            // closed at once, not after the header timeout
            assertThat(w.readToClose(3000)).isEmpty();
        }
        assertThat(recorder.refused).containsExactly("untrusted-proxy");
    }

    @Test
    void onADualStackListenerAnIpv4ProxyIsRecognisedAsIpv4() throws Exception {
        // IPv4 peers of a [::] socket arrive as ::ffff:127.0.0.1; the range 127.0.0.0/8 must still match
        app = Application.start(org.msnp.dispatch.config.ConfigLoader.parse("""
                listen: "[::]:0"
                admin: {enabled: false}
                proxy-protocol: true
                proxy-protocol-trusted: [127.0.0.1]
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                """ + transport(), "test.yaml"), recorder);
        InetSocketAddress v4 = new InetSocketAddress("127.0.0.1", app.tcpAddress().getPort());
        try (Wire w = new Wire(v4, "127.0.0.1")) {
            w.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP8 CVR0", "XFR 2 NS 10.0.0.5:1863 0 198.51.100.1:1863");
        }
        try (Wire w = new Wire(new InetSocketAddress("::1", app.tcpAddress().getPort()), "::1")) {
            w.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\n" + LOGIN);
            assertThat(w.readToClose(3000)).as("::1 is not in the list").isEmpty();
        }
        assertThat(recorder.refused).containsExactly("untrusted-proxy");
    }

    @Test
    void theTrustedProxysOwnConnectionsAreNotCountedAsAClient() throws Exception {
        // a proxy's health checks say LOCAL (v2) or UNKNOWN (v1): they name no client
        start("limits: {max-connections-per-ip: 1, new-connections-per-ip-per-second: 1}\n");
        List<Wire> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Wire w = new Wire(app.tcpAddress());
                held.add(w);
                w.send(i == 2 ? "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII) : V2_LOCAL);
                w.send("VER 1 MSNP8 CVR0\r\n");
                assertThat(w.readLine()).as("proxy connection %d", i).isEqualTo("VER 1 MSNP8 CVR0");
            }
            // while the clients it names are counted, each on its own
            Wire a = new Wire(app.tcpAddress());
            held.add(a);
            a.send("PROXY TCP4 203.0.113.7 198.51.100.1 40000 1863\r\nVER 1 MSNP8 CVR0\r\n");
            assertThat(a.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            try (Wire again = new Wire(app.tcpAddress())) {
                again.send("PROXY TCP4 203.0.113.7 198.51.100.1 40001 1863\r\nVER 1 MSNP8 CVR0\r\n");
                assertThat(again.readToClose(3000)).isEmpty();
            }
            // the rate or the count, whichever the clock allows: either way this client, not the proxy
            assertThat(recorder.refused).hasSize(1)
                    .allMatch(r -> r.equals("connection-rate") || r.equals("max-connections-per-ip"));
        } finally {
            for (Wire w : held) {
                w.close();
            }
        }
    }

    @Test
    void ipv6ClientsNamedInHeadersAreCountedByTheirSlash64() throws Exception {
        start("limits: {max-connections-per-ip: 1}\n");
        try (Wire a = new Wire(app.tcpAddress()); Wire other = new Wire(app.tcpAddress())) {
            a.send("PROXY TCP6 2001:db8:1:2::7 2001:db8::1 40000 1863\r\nVER 1 MSNP8 CVR0\r\n");
            assertThat(a.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            try (Wire sameSlash64 = new Wire(app.tcpAddress())) {
                sameSlash64.send("PROXY TCP6 2001:db8:1:2:a:b:c:d 2001:db8::1 40001 1863\r\nVER 1 MSNP8 CVR0\r\n");
                assertThat(sameSlash64.readToClose(3000)).isEmpty();
            }
            other.send("PROXY TCP6 2001:db8:1:3::7 2001:db8::1 40002 1863\r\nVER 1 MSNP8 CVR0\r\n");
            assertThat(other.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
        }
        assertThat(recorder.refused).containsExactly("max-connections-per-ip");
    }

    @Test
    void theIpv6PrefixLengthCanBeNarrowedToSingleAddresses() throws Exception {
        start("limits: {max-connections-per-ip: 1, ipv6-prefix-length: 128}\n");
        try (Wire a = new Wire(app.tcpAddress()); Wire b = new Wire(app.tcpAddress())) {
            a.send("PROXY TCP6 2001:db8:1:2::7 2001:db8::1 40000 1863\r\nVER 1 MSNP8 CVR0\r\n");
            b.send("PROXY TCP6 2001:db8:1:2::8 2001:db8::1 40001 1863\r\nVER 1 MSNP8 CVR0\r\n");
            assertThat(a.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(b.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
        }
    }

    /** PROXY protocol v2, LOCAL command (a health check of the proxy itself): no addresses. */
    static final byte[] V2_LOCAL = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00};

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

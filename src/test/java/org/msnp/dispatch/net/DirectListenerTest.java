package org.msnp.dispatch.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.app.Wiring;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;

/**
 * The listener without channels over real sockets, for what the conformance transcripts and the
 * close tests (which run on it as the epoll transport) do not see: one listening socket per loop,
 * accepted sockets without Nagle's delay although the server sets no option on them, admission,
 * and a stop that first stops accepting and then ends the open conversations.
 */
class DirectListenerTest {
    final List<ConnectionRecord> records = Collections.synchronizedList(new ArrayList<>());
    final List<Refusal> refusals = Collections.synchronizedList(new ArrayList<>());
    final ConnectionObserver observer = new ConnectionObserver() {
        @Override
        public void finished(ConnectionRecord record) {
            records.add(record);
        }

        @Override
        public void refused(TransportKind transport, Refusal reason) {
            refusals.add(reason);
        }
    };
    EventLoops loops;
    DirectListener listener;

    DirectListener start(AdmissionLimits.Thresholds thresholds) throws Exception {
        Transports.require(Transport.EPOLL);
        DispatchConfig c = DispatchConfig.defaults();
        Snapshot snapshot = Wiring.snapshot(c);
        loops = new EventLoops(2, Transport.EPOLL);
        assertThat(DirectListener.serves(loops)).isTrue();
        listener = DirectListener.bind(loops, "127.0.0.1", 0, () -> snapshot, new AdmissionLimits(thresholds), observer,
                null);
        return listener;
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
            listener.endAll();
        }
        if (loops != null) {
            loops.close();
        }
    }

    static String ver(Socket s) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write("VER 1 MSNP8 CVR0\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        s.setSoTimeout(5000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
    }

    @Test
    void oneListeningSocketPerLoopAndAcceptedSocketsWithoutNagle() throws Exception {
        DirectListener l = start(new AdmissionLimits.Thresholds(100, 100, 0));
        int port = l.localAddress().getPort();
        assertThat(listeningSockets(port)).as("listening sockets on port %d in /proc/net/tcp", port).isEqualTo(2);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket s = new Socket();
                s.connect(l.localAddress(), 5000);
                clients.add(s);
                assertThat(ver(s)).isEqualTo("VER 1 MSNP8 CVR0");
            }
            assertThat(l.openConnections()).isEqualTo(6);
            assertThat(l.noDelayOfOpen()).hasSize(6).containsOnly(true);
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        awaitRecords(6);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.end().label()).isEqualTo("client-closed");
            assertThat(r.transport()).isEqualTo(TransportKind.TCP);
            assertThat(r.summary().dialect()).isEqualTo("MSNP8");
        });
        awaitOpen(l, 0);
    }

    @Test
    void admissionRefusesPastThePerAddressLimit() throws Exception {
        DirectListener l = start(new AdmissionLimits.Thresholds(100, 2, 0));
        try (Socket a = new Socket(); Socket b = new Socket(); Socket c = new Socket()) {
            a.connect(l.localAddress(), 5000);
            b.connect(l.localAddress(), 5000);
            assertThat(ver(a)).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(ver(b)).isEqualTo("VER 1 MSNP8 CVR0");
            c.connect(l.localAddress(), 5000);
            c.setSoTimeout(5000);
            // closed without a word: end of stream, or a reset if the VER arrives after the close
            int first;
            try {
                c.getOutputStream().write("VER 1 MSNP8\r\n".getBytes(StandardCharsets.ISO_8859_1));
                first = c.getInputStream().read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
            assertThat(refusals).containsExactly(Refusal.PER_IP);
            assertThat(l.openConnections()).isEqualTo(2);
            // a place comes back when its connection ends
            a.close();
            awaitOpen(l, 1);
            try (Socket d = new Socket()) {
                d.connect(l.localAddress(), 5000);
                assertThat(ver(d)).isEqualTo("VER 1 MSNP8 CVR0");
            }
            assertThat(refusals).containsExactly(Refusal.PER_IP);
        }
    }

    @Test
    void aStopStopsAcceptingThenEndsTheOpenConversations() throws Exception {
        DirectListener l = start(new AdmissionLimits.Thresholds(100, 100, 0));
        InetSocketAddress at = l.localAddress();
        try (Socket s = new Socket()) {
            s.connect(at, 5000);
            assertThat(ver(s)).isEqualTo("VER 1 MSNP8 CVR0");
            l.close();
            assertThat(l.isListening()).isFalse();
            assertThat(listeningSockets(at.getPort())).isZero();
            assertThatThrownBy(() -> new Socket().connect(at, 2000)).isInstanceOf(ConnectException.class);
            // the open one carries on until the end
            assertThat(l.openConnections()).isEqualTo(1);
            l.endAll();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        awaitRecords(1);
        assertThat(records.get(0).end().label()).isEqualTo("shutdown");
        assertThat(l.openConnections()).isZero();
    }

    @Test
    void aStopEndsAConnectionStillAwaitingItsProxyHeaderWithoutARecord() throws Exception {
        Transports.require(Transport.EPOLL);
        Snapshot snapshot = Wiring.snapshot(DispatchConfig.defaults());
        loops = new EventLoops(2, Transport.EPOLL);
        listener = DirectListener.bind(loops, "127.0.0.1", 0, () -> snapshot,
                new AdmissionLimits(new AdmissionLimits.Thresholds(100, 100, 0)), observer,
                () -> org.msnp.dispatch.admission.TrustedProxies.LOOPBACK);
        try (Socket s = new Socket()) {
            s.connect(listener.localAddress(), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("PROXY TCP4 203.0.113.7 ".getBytes(StandardCharsets.US_ASCII));
            awaitOpen(listener, 1);
            listener.close();
            listener.endAll();
            assertThat(s.getInputStream().read()).as("closed by the stop").isEqualTo(-1);
        }
        awaitOpen(listener, 0);
        assertThat(records).as("never admitted: no conversation to record").isEmpty();
        assertThat(refusals).as("a stop is no refusal").isEmpty();
    }

    @Test
    void onAWildcardAddressXfrNamesTheAddressTheClientReached() throws Exception {
        Transports.require(Transport.EPOLL);
        DispatchConfig c = DispatchConfig.defaults();
        assertThat(c.publicAddress()).as("the defaults name no public address").isNull();
        Snapshot snapshot = Wiring.snapshot(c);
        loops = new EventLoops(2, Transport.EPOLL);
        listener = DirectListener.bind(loops, "0.0.0.0", 0, () -> snapshot,
                new AdmissionLimits(new AdmissionLimits.Thresholds(100, 100, 0)), observer, null);
        int port = listener.localAddress().getPort();
        for (String reached : List.of("127.0.0.1", "127.0.0.5")) {
            try (Socket s = new Socket(reached, port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@b.c\r\n"
                        + "USR 3 TWN I a@b.c\r\n").getBytes(StandardCharsets.ISO_8859_1));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                in.readLine();
                in.readLine();
                assertThat(in.readLine()).startsWith("XFR 3 NS ").endsWith(" 0 " + reached + ":" + port);
            }
        }
    }

    void awaitRecords(int n) throws InterruptedException {
        for (int i = 0; i < 500 && records.size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(records).hasSize(n);
    }

    static void awaitOpen(DirectListener l, int n) throws InterruptedException {
        for (int i = 0; i < 500 && l.openConnections() != n; i++) {
            Thread.sleep(10);
        }
        assertThat(l.openConnections()).isEqualTo(n);
    }

    /** Sockets in state LISTEN (0A) on {@code port} in /proc/net/tcp. */
    static long listeningSockets(int port) throws Exception {
        String local = String.format(Locale.ROOT, ":%04X", port);
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1).map(String::trim)
                .map(l -> l.split("\\s+"))
                .filter(f -> f[1].endsWith(local) && f[3].equals("0A"))
                .count();
    }
}

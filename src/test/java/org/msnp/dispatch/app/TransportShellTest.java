package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.observe.ConnectionRecord;

/**
 * Over real sockets: the holes an attacker found in the two transports' drifted copies, closed by
 * one conversation and one admission for both.
 */
class TransportShellTest extends RunningServer {
    static boolean closedWithin(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    // --- finding 1: gateway starvation -----------------------------------------------------------

    @Test
    void gatewayConnectionsPassTheSameAdmissionAsTcp() throws Exception {
        start("""
                limits: {max-connections-per-ip: 3}
                gateway: {enabled: true, listen: 127.0.0.1:0, request-timeout: 60s}
                """);
        int port = app.gatewayAddress().orElseThrow().getPort();
        List<Socket> held = new ArrayList<>();
        try {
            // one TCP connection and two gateway connections from 127.0.0.1 fill its three places
            Wire tcp = new Wire(app.tcpAddress());
            tcp.send("VER 1 MSNP8 CVR0\r\n");
            assertThat(tcp.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write("POST /gate".getBytes(StandardCharsets.US_ASCII));
                held.add(s);
            }
            Thread.sleep(200);
            Socket fourth = new Socket("127.0.0.1", port);
            held.add(fourth);
            fourth.getOutputStream().write("P".getBytes(StandardCharsets.US_ASCII));
            assertThat(closedWithin(fourth, 3000)).as("over max-connections-per-ip on the gateway").isTrue();
            for (int i = 0; i < 2; i++) {
                assertThat(closedWithin(held.get(i), 200)).as("the admitted ones stay").isFalse();
            }
            tcp.close();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        assertThat(recorder.refused).contains("max-connections-per-ip");
        String metrics = app.metrics().scrape();
        assertThat(metrics).contains("msnp_connections_refused_total{reason=\"max-connections-per-ip\",transport=\"http\"} 1.0");
    }

    @Test
    void aTrickledGatewayRequestIsClosedAtTheRequestDeadline() throws Exception {
        start("gateway: {enabled: true, listen: 127.0.0.1:0, request-timeout: 600ms, keep-alive-timeout: 60s}\n");
        int port = app.gatewayAddress().orElseThrow().getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            long t0 = System.nanoTime();
            boolean closed = false;
            String request = "POST /gateway/gateway.dll?Action=open&Server=NS HTTP/1.1\r\nHost: x\r\n";
            // one byte every 100 ms: every byte resets an idle timer, none resets the deadline
            for (int i = 0; i < request.length() && !closed; i++) {
                try {
                    out.write(request.charAt(i));
                    out.flush();
                } catch (SocketException e) {
                    closed = true;
                    break;
                }
                closed = closedWithin(s, 100);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(closed).isTrue();
            assertThat(ms).isBetween(500L, 5000L);
        }
        for (int i = 0; i < 100 && !recorder.refused.contains("request-timeout"); i++) {
            Thread.sleep(20);
        }
        assertThat(recorder.refused).contains("request-timeout");
    }

    @Test
    void anIdleKeptAliveGatewayConnectionIsClosed() throws Exception {
        start("gateway: {enabled: true, listen: 127.0.0.1:0, keep-alive-timeout: 400ms}\n");
        int port = app.gatewayAddress().orElseThrow().getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            byte[] body = "VER 1 MSNP8 CVR0\r\n".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(("POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\n"
                    + "Host: x\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.setSoTimeout(3000);
            byte[] head = s.getInputStream().readNBytes(15);
            assertThat(new String(head, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            long t0 = System.nanoTime();
            assertThat(closedWithin(s, 5000)).isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(200L, 4000L);
        }
        assertThat(recorder.refused).doesNotContain("request-timeout");
    }

    // --- finding 2: log injection -----------------------------------------------------------------

    /** A logfmt reader: key=value pairs, values bare or quoted with \" \\ \xHH \\uHHHH escapes. */
    static Map<String, String> parseLogfmt(String line) {
        assertThat(line).doesNotContain("\r", "\n", "\u001b", "\u0085");
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq);
            assertThat(key).matches("[a-z]+");
            assertThat(fields).as("field %s written once", key).doesNotContainKey(key);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        char e = line.charAt(i++);
                        if (e == 'x') {
                            v.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                            i += 2;
                        } else if (e == 'u') {
                            v.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                            i += 4;
                        } else {
                            v.append(e);
                        }
                    } else {
                        v.append(c);
                    }
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    v.append(line.charAt(i++));
                }
            }
            fields.put(key, v.toString());
            assertThat(i == line.length() || line.charAt(i) == ' ').as("a space between fields").isTrue();
            i++;
        }
        return fields;
    }

    @Test
    void clientTextNeverForgesALogField() throws Exception {
        start("");
        String ansi = "\u001b[31mRED\u001b[0m";
        String cr = "ok\rINFO:forged";
        String forge = "x\"outcome=xfr";
        String control = "a\u0000b\u0007c\u007f";
        String nel = "line\u0085two";
        String equals = "ns=1.2.3.4:1863";
        try (Wire w = new Wire(app.tcpAddress())) {
            byte[] cvr = ("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 " + forge + " " + equals + " " + control + " " + ansi + " "
                    + cr + " MSMSGS a@example.com\r\n" + "USR 3 TWN I end=shutdown\r\n").getBytes(StandardCharsets.ISO_8859_1);
            w.send(cvr);
            assertThat(w.readToClose(3000)).hasSize(3);
        }
        ConnectionRecord r = awaitRecord(1);
        String line = ConnectionLog.line(r);
        Map<String, String> f = parseLogfmt(line);
        assertThat(f.keySet()).containsExactly("peer", "transport", "dialect", "client", "os", "locale", "verdict", "outcome",
                "ns", "end", "replied", "duration");
        assertThat(f.get("client")).isEqualTo(ansi + "/" + cr);
        assertThat(f.get("os")).isEqualTo(forge + "/" + equals + "/" + control);
        assertThat(f.get("outcome")).isEqualTo("xfr");
        assertThat(f.get("ns")).isEqualTo("10.0.0.5:1863");
        assertThat(f.get("end")).isEqualTo("client-closed");

        // U+0085 (NEL) arrives as the byte 0x85 and never reaches the line raw
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send(("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 " + nel + " 1.0 MSMSGS a@example.com\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(w.readToClose(3000)).hasSize(2);
        }
        Map<String, String> g = parseLogfmt(ConnectionLog.line(awaitRecord(2)));
        assertThat(g.get("client")).isEqualTo(nel + "/1.0");
    }

    // --- finding 4: replies before an over-long line ------------------------------------------

    @Test
    void repliesProducedBeforeAnOverLongLineAreSent() throws Exception {
        start("limits: {max-line-length: 512}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com\r\n" + "X".repeat(5000));
            List<String> lines = w.readUntilServerCloses(5000);
            assertThat(lines).containsExactly("VER 1 MSNP8 CVR0",
                    "CVR 2 6.0.0602 6.0.0602 6.0.0602 http://messenger.msn.com http://messenger.msn.com");
        }
        ConnectionRecord r = awaitRecord(1);
        assertThat(r.end().label()).isEqualTo("line-too-long");
        assertThat(r.summary().outcomeLabel()).isEqualTo("cvr-answered");
        assertThat(r.replied()).isPresent();
    }
}

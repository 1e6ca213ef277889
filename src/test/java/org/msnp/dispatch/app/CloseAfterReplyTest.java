package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.net.Transports.OnEveryTransport;
import org.msnp.dispatch.observe.ConnectionRecord;

/**
 * Over real TCP, on every transport (io_uring, epoll, nio): after its closing reply the server
 * leaves the closing to the client, for up to {@code limits.close-wait} (clients.md point 8), so a
 * client that pipelines VER, CVR and USR and looks for the end of the stream before it reads its
 * buffer still finds its XFR; after its own FIN it drains what the client still sends for up to
 * {@code limits.close-linger}, so that no reset destroys the reply (dispatch-server.md §8).
 */
class CloseAfterReplyTest extends RunningServer {
    static final String PIPELINED = "VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com\r\n"
            + "USR 3 TWN I example@hotmail.com\r\n";

    /** Reads until EOF; "reset" when the connection was reset, "open" when nothing came in time. */
    static String awaitEof(Wire w, int millis) throws Exception {
        w.socket.setSoTimeout(millis);
        InputStream in = w.socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // drained
            }
            return "eof";
        } catch (SocketTimeoutException e) {
            return "open";
        } catch (SocketException e) {
            return "reset";
        }
    }

    /** Sends VER, CVR and USR in one write and reads the three replies, the last the XFR. */
    static void pipelinedLogin(Wire w) throws Exception {
        w.send(PIPELINED);
        assertThat(w.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
        assertThat(w.readLine()).startsWith("CVR 2 ");
        assertThat(w.readLine()).startsWith("XFR 3 NS ");
    }

    ConnectionRecord awaitRecord() throws InterruptedException {
        ConnectionRecord r = awaitRecord(1);
        assertThat(recorder.finished).hasSize(1);
        return r;
    }

    @OnEveryTransport
    void aPipelinedLoginReadsItsXfrAndSeesNoEndOfStreamWithinTheWait(Transport transport) throws Exception {
        start(transport, "limits: {close-wait: 6s}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send(PIPELINED);
            assertThat(w.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(w.readLine()).startsWith("CVR 2 ");
            assertThat(w.readLine()).isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
            // what a client that checks for EOF first would see: nothing, the connection is open
            assertThat(awaitEof(w, 1000)).isEqualTo("open");
        }
    }

    @OnEveryTransport
    void theServerClosesAsSoonAsTheClientDoes(Transport transport) throws Exception {
        start(transport, "limits: {close-wait: 10s}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            pipelinedLogin(w);
            long t0 = System.nanoTime();
            w.socket.shutdownOutput();
            assertThat(awaitEof(w, 5000)).isEqualTo("eof");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        ConnectionRecord r = awaitRecord();
        assertThat(r.end().label()).isEqualTo("client-closed");
        assertThat(r.summary().outcomeLabel()).isEqualTo("xfr");
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
    }

    @OnEveryTransport
    void aClientThatNeverClosesIsClosedAfterTheWait(Transport transport) throws Exception {
        start(transport, "limits: {close-wait: 400ms}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            long t0 = System.nanoTime();
            pipelinedLogin(w);
            assertThat(awaitEof(w, 5000)).isEqualTo("eof");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
        ConnectionRecord r = awaitRecord();
        assertThat(r.end().label()).isEqualTo("close-wait");
        // the handshake's own time is the time to the last reply, not the wait
        assertThat(r.replied()).isPresent();
        assertThat(r.replied().get()).isLessThan(Duration.ofMillis(400));
        assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r)).containsPattern(" end=close-wait replied=\\d+ms duration=\\d+ms$");
    }

    @OnEveryTransport
    void linesSentDuringTheWaitNeverResetTheReply(Transport transport) throws Exception {
        start(transport, "limits: {close-wait: 300ms, max-line-length: 256}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            // a closing reply with more lines behind it in the same segment, then more during the wait
            w.send(PIPELINED + "CVR 4 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com\r\n");
            assertThat(w.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            w.send("SYN 5 0\r\n" + "X".repeat(2000) + "\r\nOUT\r\n");
            assertThat(w.readLine()).startsWith("CVR 2 ");
            assertThat(w.readLine()).startsWith("XFR 3 NS ");
            Thread.sleep(100);
            w.send("USR 6 TWN I example@hotmail.com\r\n");
            assertThat(awaitEof(w, 5000)).as("nothing answered behind the XFR, and a FIN, not a reset").isEqualTo("eof");
        }
        assertThat(awaitRecord().summary().outcomeLabel()).isEqualTo("xfr");
    }

    @OnEveryTransport
    void errorsFollowTheSameRule(Transport transport) throws Exception {
        start(transport, "limits: {close-wait: 6s}\nversion-policy: {unknown-clients: reject-420}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MYCLIENT 1.0 MYCLIENT a@example.com\r\n");
            assertThat(w.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(w.readLine()).isEqualTo("420 2");
            assertThat(awaitEof(w, 700)).isEqualTo("open");
            w.socket.shutdownOutput();
            assertThat(awaitEof(w, 3000)).isEqualTo("eof");
        }
        ConnectionRecord r = awaitRecord();
        assertThat(r.summary().outcomeLabel()).isEqualTo("rejected-420");
        assertThat(r.end().label()).isEqualTo("client-closed");
    }

    @OnEveryTransport
    void atOnceClosesWithTheReplyAsBefore(Transport transport) throws Exception {
        start(transport, "protocol: {closing: at-once}\nlimits: {close-wait: 10s}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            long t0 = System.nanoTime();
            pipelinedLogin(w);
            assertThat(awaitEof(w, 3000)).isEqualTo("eof");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
        assertThat(awaitRecord().end().label()).isEqualTo("server-closed");
    }

    @OnEveryTransport
    void aSilentCloseWithNothingSentDoesNotWait(Transport transport) throws Exception {
        start(transport, "limits: {close-wait: 10s}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("USR 1 TWN I example@hotmail.com\r\n");
            assertThat(awaitEof(w, 3000)).isEqualTo("eof");
        }
        ConnectionRecord r = awaitRecord();
        assertThat(r.summary().outcomeLabel()).isEqualTo("dropped");
        assertThat(r.end().label()).isEqualTo("server-closed");
        assertThat(r.replied()).isEmpty();
        assertThat(List.of(org.msnp.dispatch.app.ConnectionLog.line(r))).allMatch(l -> l.contains(" replied=- "));
    }

    // --- close-linger: after the server's FIN ----------------------------------------------------

    /** Writes {@code line} twice, 150 ms apart: the second write fails once the peer has reset the first. */
    static boolean writesGoThrough(Wire w, String line) throws Exception {
        try {
            w.send(line);
            Thread.sleep(150);
            w.send(line);
            Thread.sleep(150);
            w.send(line);
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    @OnEveryTransport
    void afterItsFinTheServerDrainsInputUntilTheClientCloses(Transport transport) throws Exception {
        start(transport, "protocol: {closing: at-once}\nlimits: {close-wait: 10s, close-linger: 10s}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            // more lines right behind the login: unread, they would make the kernel reset the reply
            w.send(PIPELINED + "SYN 4 0\r\n".repeat(200));
            assertThat(w.readLine()).isEqualTo("VER 1 MSNP8 CVR0");
            assertThat(w.readLine()).startsWith("CVR 2 ");
            assertThat(w.readLine()).startsWith("XFR 3 NS ");
            assertThat(awaitEof(w, 3000)).as("the FIN, not a reset").isEqualTo("eof");
            // the server still reads (and drops): a closed socket would answer these with a reset
            assertThat(writesGoThrough(w, "OUT\r\n")).isTrue();
            assertThat(recorder.finished).as("the connection lingers while the client keeps it open").isEmpty();
        }
        ConnectionRecord r = awaitRecord();
        assertThat(r.end().label()).isEqualTo("server-closed");
        assertThat(r.summary().outcomeLabel()).isEqualTo("xfr");
        // closed when the client closed, long before the linger ran out
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
    }

    @OnEveryTransport
    void aClientThatStaysOpenAfterTheFinIsClosedAfterTheLinger(Transport transport) throws Exception {
        start(transport, "protocol: {closing: at-once}\nlimits: {close-linger: 400ms}\n");
        try (Wire w = new Wire(app.tcpAddress())) {
            long t0 = System.nanoTime();
            pipelinedLogin(w);
            assertThat(awaitEof(w, 3000)).isEqualTo("eof");
            // the client neither closes nor sends: the server ends the connection once the linger is over
            ConnectionRecord r = awaitRecord();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(r.end().label()).isEqualTo("server-closed");
            assertThat(r.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(r.replied()).isPresent();
            assertThat(r.replied().get()).isLessThan(Duration.ofMillis(400));
            // and the socket is gone: what the client sends now is answered with a reset
            assertThat(writesGoThrough(w, "OUT\r\n")).isFalse();
        }
    }
}

package org.msnp.dispatch.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;

/** The gateway's own behaviour, over a real HTTP client against the real listener. */
class GatewayTest {
    private static final String VER = "VER 1 MSNP8 CVR0\r\n";
    private static final String CVR = "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com\r\n";
    private static final String CVR_REPLY = "CVR 2 6.0.0602 6.0.0602 6.0.0602 http://messenger.msn.com http://messenger.msn.com\r\n";
    private static final String USR = "USR 3 TWN I example@hotmail.com\r\n";

    private final List<Application> apps = new ArrayList<>();
    private final LinkedBlockingQueue<ConnectionRecord> finished = new LinkedBlockingQueue<>();
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private final ConnectionObserver observer = new ConnectionObserver() {
        @Override
        public void opened(org.msnp.dispatch.observe.TransportKind transport) {
            opened.add(transport.label());
        }

        @Override
        public void finished(ConnectionRecord record) {
            finished.add(record);
        }
    };

    /** A server with the gateway on 127.0.0.1:0, the embedded defaults, and {@code extra} YAML. */
    private GatewayClient start(String gatewayKeys, String extra) throws Exception {
        String yaml = "listen: \"127.0.0.1:0\"\nadmin: {enabled: false}\n"
                + "public-address: \"10.0.0.1:1863\"\n"
                + "notification-servers:\n  health-check:\n    enabled: false\n  targets: [\"10.0.0.5:1864\"]\n"
                + extra
                + "gateway:\n  enabled: true\n  listen: \"127.0.0.1:0\"\n" + gatewayKeys;
        Application app = Application.start(ConfigLoader.parse(yaml, "test"), observer);
        apps.add(app);
        return new GatewayClient(app.gatewayAddress().orElseThrow());
    }

    private GatewayClient start() throws Exception {
        return start("", "");
    }

    @AfterEach
    void stop() throws Exception {
        for (Application app : apps) {
            app.stopNow();
        }
    }

    @Test
    void anHttp10ExchangeLooksLikeTheCapturedOne() throws Exception {
        start("  public-host: 10.0.0.80\n", "");
        InetSocketAddress gw = apps.get(0).gatewayAddress().orElseThrow();
        String response;
        try (Socket s = new Socket(gw.getAddress(), gw.getPort())) {
            s.getOutputStream().write(("POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.0\r\n"
                    + "Content-Type: application/x-msn-messenger\r\nContent-Length: 18\r\n\r\n" + VER)
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(5000);
            response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        // Header names spelled as IIS did: libpurple looks for "Content-Length: " case-sensitively.
        assertThat(response).startsWith("HTTP/1.0 200 OK\r\n")
                .containsPattern("\r\nX-MSN-Messenger: SessionID=[0-9]+\\.[A-Za-z0-9_-]{22}; GW-IP=10\\.0\\.0\\.80\r\n")
                .contains("\r\nContent-Type: application/x-msn-messenger\r\n", "\r\nContent-Length: 18\r\n")
                .endsWith("\r\n\r\n" + VER);
    }

    @Test
    void aLineSplitAcrossTwoPostsIsAnsweredOnceComplete() throws Exception {
        GatewayClient gw = start();
        GatewayClient.Response first = gw.open("VER 1 MSNP8");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEmpty();
        assertThat(first.sessionClosed()).isFalse();

        GatewayClient.Response second = gw.send(first.sessionId(), " CVR0\r\n");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(VER);
        assertThat(second.sessionClosed()).isFalse();
    }

    @Test
    void twoCommandsInOnePostAreAnsweredInOrderInOneBody() throws Exception {
        GatewayClient gw = start();
        GatewayClient.Response r = gw.open(VER + CVR);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/x-msn-messenger");
        assertThat(r.body()).isEqualTo(VER + CVR_REPLY);
        assertThat(r.sessionClosed()).isFalse();
    }

    @Test
    void theXfrNamesTheNotificationServerAndClosesTheSession() throws Exception {
        GatewayClient gw = start();
        GatewayClient.Response open = gw.open(VER);
        GatewayClient.Response r = gw.send(open.sessionId(), CVR + USR);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(CVR_REPLY + "XFR 3 NS 10.0.0.5:1864 0 10.0.0.1:1863\r\n");
        assertThat(r.sessionClosed()).isTrue();

        GatewayClient.Response after = gw.poll(r.sessionId());
        assertThat(after.status()).isEqualTo(400);
        assertThat(after.messenger()).isEmpty();
    }

    @Test
    void aSessionClosedBetweenRequestsSaysSoOnThePollAndIsThenDead() throws Exception {
        // No VER within the login timeout: the session ends while nobody asks.
        GatewayClient gw = start("", "limits:\n  login-timeout: 100ms\n");
        GatewayClient.Response open = gw.open("");
        assertThat(open.sessionClosed()).isFalse();
        Thread.sleep(300);

        GatewayClient.Response poll = gw.poll(open.sessionId());
        assertThat(poll.status()).isEqualTo(200);
        assertThat(poll.body()).isEmpty();
        assertThat(poll.sessionClosed()).isTrue();

        assertThat(gw.poll(poll.sessionId()).status()).isEqualTo(400);
        assertThat(gw.poll(open.sessionId()).status()).isEqualTo(400);
        ConnectionRecord record = finished.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(record.transport().label()).isEqualTo("http");
        assertThat(record.end().label()).isEqualTo("login-timeout");
    }

    @Test
    void anExpiredSessionIsUnknown() throws Exception {
        GatewayClient gw = start("  session-idle-timeout: 100ms\n", "");
        GatewayClient.Response open = gw.open(VER);
        assertThat(open.body()).isEqualTo(VER);
        Thread.sleep(300);

        GatewayClient.Response late = gw.poll(open.sessionId());
        assertThat(late.status()).isEqualTo(400);
        ConnectionRecord record = finished.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(record.transport().label()).isEqualTo("http");
        assertThat(record.end().label()).isEqualTo("idle-timeout");
        assertThat(record.summary().dialect()).isEqualTo("MSNP8");
    }

    @Test
    void theSweeperDropsAnAbandonedSession() throws Exception {
        GatewayClient gw = start("  session-idle-timeout: 50ms\n", "");
        gw.open(VER);
        ConnectionRecord record = finished.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(record.end().label()).isEqualTo("idle-timeout");
        assertThat(record.summary().dialect()).isEqualTo("MSNP8");
    }

    @Test
    void anOversizedBodyIsRefusedWith413AndTheSessionCarriesOn() throws Exception {
        GatewayClient gw = start("  max-body-bytes: 1024\n", "");
        GatewayClient.Response open = gw.open("");
        byte[] big = ("VER 1 MSNP8 " + "x".repeat(2000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);

        GatewayClient.Response refused = gw.post("SessionID=" + open.sessionId(), big);
        assertThat(refused.status()).isEqualTo(413);

        // The refused body never reached the session, and its SessionID was not used up.
        GatewayClient.Response next = gw.send(open.sessionId(), VER);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).isEqualTo(VER);
    }

    @Test
    void aReplayedOldSessionIdIsRefusedAndDoesNotHurtTheSession() throws Exception {
        GatewayClient gw = start();
        GatewayClient.Response open = gw.open(VER);
        GatewayClient.Response poll = gw.poll(open.sessionId());
        assertThat(poll.status()).isEqualTo(200);
        assertThat(poll.sessionId()).isNotEqualTo(open.sessionId());

        assertThat(gw.send(open.sessionId(), CVR).status()).isEqualTo(400);

        GatewayClient.Response current = gw.send(poll.sessionId(), CVR);
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.body()).isEqualTo(CVR_REPLY);
    }

    @Test
    void sessionIdsAreTunnelDotSecretAndKeepTheTunnelPart() throws Exception {
        GatewayClient gw = start();
        GatewayClient.Response open = gw.open(VER);
        GatewayClient.Response poll = gw.poll(open.sessionId());
        assertThat(open.sessionId()).matches("[0-9]{1,10}\\.[A-Za-z0-9_-]{22}").hasSizeLessThan(40);
        String tunnel = open.sessionId().substring(0, open.sessionId().indexOf('.'));
        assertThat(poll.sessionId()).startsWith(tunnel + ".");
        // The secret is what matters: the tunnel number with a made-up secret is refused.
        assertThat(gw.poll(tunnel + "." + "A".repeat(22)).status()).isEqualTo(400);
    }

    @Test
    void gwIpIsTheConfiguredPublicHostOrTheLoopbackListenersOwnAddress() throws Exception {
        GatewayClient configured = start("  public-host: gw.example.net\n", "");
        assertThat(configured.open(VER).messenger()).containsEntry("GW-IP", "gw.example.net");

        GatewayClient plain = start();
        InetSocketAddress a = apps.get(1).gatewayAddress().orElseThrow();
        assertThat(plain.open(VER).messenger()).containsEntry("GW-IP", a.getHostString() + ":" + a.getPort());
    }

    @Test
    void gwIpNeverRepeatsTheHostHeader() throws Exception {
        start();
        InetSocketAddress gw = apps.get(0).gatewayAddress().orElseThrow();
        for (String host : List.of("evil.example.net", "evil.example.net:80", "[2001:db8::66]:80", "10.6.6.6")) {
            String response;
            try (Socket s = new Socket(gw.getAddress(), gw.getPort())) {
                s.getOutputStream().write(("POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.0\r\n"
                        + "Host: " + host + "\r\nContent-Length: 18\r\n\r\n" + VER).getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(5000);
                response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertThat(response).as(host).startsWith("HTTP/1.0 200 OK\r\n")
                    .contains("; GW-IP=127.0.0.1:" + gw.getPort() + "\r\n")
                    .doesNotContain(host.replaceFirst(":80$", ""));
        }
    }

    @Test
    void badRequestBodiesSayWhatWasWrongInFixedWords() throws Exception {
        GatewayClient gw = start("  accept-ips: [messenger.hotmail.com]\n", "");
        // percent-encoded in the URL, decoded by the server: a header break, markup, a terminal escape
        List<String> hostile = List.of("%0D%0AX-Injected:%20yes%0D%0A%0D%0A", "%3Cscript%3Ealert(1)%3C/script%3E",
                "%1B%5B31mRED%1B%5B0m", "%00%FF%C3%A9");
        byte[] none = new byte[0];
        for (String h : hostile) {
            List<GatewayClient.Response> answers = List.of(
                    gw.post("Action=open&Server=" + h + "&IP=messenger.hotmail.com", none),
                    gw.post("Action=" + h + "&SessionID=1.x", none),
                    gw.post("Action=open&Server=NS&IP=" + h, none),
                    gw.post("SessionID=" + h, none),
                    gw.post("Action=poll&SessionID=" + h, none));
            for (GatewayClient.Response r : answers) {
                assertThat(r.status()).as(h).isEqualTo(400);
                assertThat(r.contentType()).isEqualTo("text/plain");
                assertThat(r.body()).as(h).matches("[A-Za-z=. ]+\r\n")
                        .doesNotContain("Injected", "script", "RED");
            }
            assertThat(answers.get(0).body()).isEqualTo("this gateway serves Server=NS only\r\n");
            assertThat(answers.get(1).body()).isEqualTo("the Action parameter is not open or poll\r\n");
            assertThat(answers.get(2).body()).isEqualTo("the IP parameter names a server this gateway does not serve\r\n");
            assertThat(answers.get(3).body()).isEqualTo("unknown or expired SessionID\r\n");
        }
        assertThat(opened).isEmpty();
    }

    @Test
    void badRequestsGetClientErrorsNeverServerErrors() throws Exception {
        GatewayClient gw = start("  accept-ips: [messenger.hotmail.com]\n", "");
        byte[] none = new byte[0];
        assertThat(gw.post("SessionID=12345.nosuchsessionatall000", none).status()).isEqualTo(400);
        assertThat(gw.post("SessionID=garbage", none).status()).isEqualTo(400);
        assertThat(gw.post("Action=poll&SessionID=" + "9".repeat(30) + "." + "A".repeat(22), none).status()).isEqualTo(400);
        assertThat(gw.post("Action=poll", none).status()).isEqualTo(400);
        assertThat(gw.post("", none).status()).isEqualTo(400);
        assertThat(gw.post("Action=dance&SessionID=1.x", none).status()).isEqualTo(400);
        assertThat(gw.post("Action=open&Server=SB&IP=messenger.hotmail.com", none).status()).isEqualTo(400);
        assertThat(gw.post("Action=open&Server=NS&IP=10.0.0.5", none).status()).isEqualTo(400);
        assertThat(gw.request("GET", "/gateway/gateway.dll?Action=open&Server=NS", none).status()).isEqualTo(405);
        assertThat(gw.request("POST", "/index.html", none).status()).isEqualTo(404);
        assertThat(gw.post("Action=open&Server=NS", none).status()).as("an open without IP (MSNP21 clients)").isEqualTo(200);
        assertThat(opened).containsExactly("http");
    }

    @Test
    void sessionsAreLimitedPerAddressAndOverall() throws Exception {
        GatewayClient perIp = start("  max-sessions-per-ip: 2\n", "");
        assertThat(perIp.open(VER).status()).isEqualTo(200);
        GatewayClient.Response second = perIp.open(VER);
        assertThat(second.status()).isEqualTo(200);
        assertThat(perIp.open(VER).status()).isEqualTo(429);
        // A session that ends frees its place.
        assertThat(perIp.send(second.sessionId(), "OUT\r\n").sessionClosed()).isTrue();
        assertThat(perIp.open(VER).status()).isEqualTo(200);

        GatewayClient overall = start("  max-sessions: 1\n", "");
        assertThat(overall.open(VER).status()).isEqualTo(200);
        assertThat(overall.open(VER).status()).isEqualTo(503);
    }

    @Test
    void gatewaySessionsReachTheObserverWithTransportHttp() throws Exception {
        GatewayClient gw = start();
        GatewayClient.Response r = gw.open(VER + CVR + USR);
        assertThat(r.sessionClosed()).isTrue();
        ConnectionRecord record = finished.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(opened).containsExactly("http");
        assertThat(record.transport().label()).isEqualTo("http");
        assertThat(record.end().label()).isEqualTo("server-closed");
        assertThat(record.summary().outcomeLabel()).isEqualTo("xfr");
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(record)).contains("transport=http", "dialect=MSNP8", "client=MSNMSGR/6.0.0602", "ns=10.0.0.5:1864");
    }

    @Test
    void aTooLongLineEndsTheSessionAsOnTcp() throws Exception {
        GatewayClient gw = start("  max-body-bytes: 8192\n", "limits:\n  max-line-length: 256\n");
        GatewayClient.Response open = gw.open("VER 1 " + "x".repeat(300));
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.body()).isEmpty();
        assertThat(open.sessionClosed()).isTrue();
        ConnectionRecord record = finished.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(record.end().label()).isEqualTo("line-too-long");
    }

    @Test
    void shutdownEndsOpenSessions() throws Exception {
        GatewayClient gw = start();
        gw.open(VER);
        apps.remove(0).stopNow();
        ConnectionRecord record = finished.poll(10, TimeUnit.SECONDS);
        assertThat(record).isNotNull();
        assertThat(record.end().label()).isEqualTo("shutdown");
    }
}

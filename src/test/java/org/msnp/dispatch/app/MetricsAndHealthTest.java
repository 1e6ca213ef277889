package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** /metrics is scraped over HTTP and its counters match the handshakes made. */
class MetricsAndHealthTest {
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(Application app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.adminAddress().orElseThrow().getPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void countersFollowTheHandshakes() throws Exception {
        Application app = Application.start(TestServers.config("""
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                version-policy:
                  unknown-clients: reject-420
                  rules:
                    - {library: MSNMSGR, recommended: 7.0.0813, minimum: 6.2.0205, download-url: "http://example.invalid/dl", info-url: "http://example.invalid/info"}
                """), r -> { });
        try {
            for (int i = 0; i < 3; i++) {
                try (Wire w = new Wire(app.tcpAddress())) {
                    w.send("VER 1 MSNP9 CVR0\r\nUSR 2 TWN I a@example.com\r\n");
                    assertThat(w.readToClose(3000)).hasSize(2);
                }
            }
            try (Wire w = new Wire(app.tcpAddress())) {
                w.send("VER 1 NOPE\r\n");
                assertThat(w.readToClose(3000)).containsExactly("VER 1 0");
            }
            try (Wire w = new Wire(app.tcpAddress())) {
                w.send("VER 1 MSNP9 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 YCOMM 0.1.0023 MSMSGS a@example.com\r\n");
                assertThat(w.readToClose(3000)).containsExactly("VER 1 MSNP9 CVR0", "420 2");
            }
            // below the minimum, and logs in regardless (as third-party clients do): still visible
            try (Wire w = new Wire(app.tcpAddress())) {
                w.send("VER 1 MSNP9 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com\r\n"
                        + "USR 3 TWN I a@example.com\r\n");
                assertThat(w.readToClose(3000)).hasSize(3).last().asString().startsWith("XFR 3 NS");
            }
            String m = "";
            for (int i = 0; i < 50 && !m.contains("outcome=\"rejected-420\""); i++) {
                Thread.sleep(20);
                m = get(app, "/metrics").body();
            }
            assertThat(m).contains("msnp_handshakes_total{dialect=\"MSNP9\",outcome=\"xfr\",transport=\"tcp\",verdict=\"none\"} 3.0");
            assertThat(m).contains("msnp_handshakes_total{dialect=\"MSNP9\",outcome=\"xfr\",transport=\"tcp\",verdict=\"below-minimum\"} 1.0");
            assertThat(m).contains("msnp_handshakes_total{dialect=\"-\",outcome=\"no-common-dialect\",transport=\"tcp\",verdict=\"none\"} 1.0");
            assertThat(m).contains("msnp_handshakes_total{dialect=\"MSNP9\",outcome=\"rejected-420\",transport=\"tcp\",verdict=\"unknown\"} 1.0");
            assertThat(m).contains("msnp_errors_sent_total{code=\"420\"} 1.0");
            assertThat(m).contains("msnp_referrals_total{target=\"10.0.0.5:1863\"} 4.0");
            assertThat(m).contains("msnp_handshake_duration_seconds_count{transport=\"tcp\"} 6");
            assertThat(m).contains("msnp_connection_duration_seconds_count{transport=\"tcp\"} 6");
            assertThat(m).contains("msnp_connections_open{transport=\"tcp\"} 0.0");
            assertThat(m).contains("msnp_ns_healthy{target=\"10.0.0.5:1863\"} 1.0");
            assertThat(m).contains("jvm_memory_used_bytes");
        } finally {
            app.stopNow();
        }
    }

    @Test
    void healthIs200WithAHealthyTargetAnd503WithNone() throws Exception {
        Application up = Application.start(TestServers.config(
                "notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}\n"), r -> { });
        Application down = Application.start(TestServers.config("notification-servers: {targets: []}\n"), r -> { });
        try {
            HttpResponse<String> ok = get(up, "/health");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"status\":\"up\"").contains("\"10.0.0.5:1863\":\"healthy\"");
            HttpResponse<String> bad = get(down, "/health");
            assertThat(bad.statusCode()).isEqualTo(503);
            assertThat(bad.body()).contains("\"status\":\"down\"").contains("no Notification Server is configured");
            assertThat(get(up, "/nothing").statusCode()).isEqualTo(404);
        } finally {
            up.stopNow();
            down.stopNow();
        }
    }
}

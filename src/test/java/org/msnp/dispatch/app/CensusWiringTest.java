package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.census.CensusQueries;

/**
 * The census as the running server feeds it: a known mix of handshakes over TCP and through the
 * gateway, counted exactly, on the embedded H2 file and on a real PostgreSQL.
 */
class CensusWiringTest {
    @TempDir
    Path dir;

    static final String LOGIN = "VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com\r\n"
            + "USR 3 TWN I a@example.com\r\n";

    void traffic(Application app) throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(Wire.msnp8Login(app.tcpAddress(), null)).last().asString().startsWith("XFR 3 NS");
        }
        try (Wire w = new Wire(app.tcpAddress())) {
            w.send("VER 1 NOPE\r\n");
            assertThat(w.readToClose(3000)).containsExactly("VER 1 0");
        }
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + app.gatewayAddress().orElseThrow().getPort()
                            + "/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com"))
                    .POST(HttpRequest.BodyPublishers.ofString(LOGIN)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(open.body()).contains("XFR 3 NS");
        }
    }

    Map<String, Long> counts(Application app) throws Exception {
        for (int i = 0; i < 200 && app.metrics().scrape().contains("msnp_connections_open{transport=\"tcp\"} 0.0") == false; i++) {
            Thread.sleep(20);
        }
        assertThat(app.census()).isPresent();
        assertThat(app.census().get().flush()).isTrue();
        CensusQueries q = app.census().get().queries();
        CensusQueries.Range today = CensusQueries.Range.of(Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(1, ChronoUnit.DAYS));
        Map<String, Long> byKey = new TreeMap<>();
        for (CensusQueries.Row r : q.rows(today)) {
            String k = r.key().transport() + " " + r.key().dialect() + " " + r.key().library() + "/" + r.key().build() + " "
                    + r.key().locale() + " " + r.key().outcome() + " " + r.key().verdict();
            byKey.merge(k, r.conversations(), Long::sum);
        }
        return byKey;
    }

    static final Map<String, Long> EXPECTED = Map.of(
            "tcp MSNP8 MSNMSGR/6.0.0602 0x0409 xfr unknown", 3L,
            "tcp - -/- - no-common-dialect none", 1L,
            "http MSNP8 MSNMSGR/6.0.0602 0x0409 xfr unknown", 2L);

    String config(String census) {
        return """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                public-address: 10.0.0.1:1863
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                limits: {close-wait: 300ms}
                gateway: {enabled: true, listen: 127.0.0.1:0}
                census:
                """ + census;
    }

    @Test
    void exactCountsOnTheEmbeddedH2File() throws Exception {
        Application app = Application.start(TestServers.configRaw(config("  data-dir: " + dir + "\n  flush-interval: 1h\n")),
                r -> { });
        try {
            traffic(app);
            assertThat(counts(app)).isEqualTo(EXPECTED);
        } finally {
            app.stopNow();
        }
        assertThat(dir.resolve("census").getParent().toFile().list()).isNotEmpty();
    }

    @Test
    void exactCountsOnPostgres() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            Application app = Application.start(TestServers.configRaw(config("  database-url: \"" + url + "\"\n"
                    + "  username: postgres\n  flush-interval: 1h\n")), r -> { });
            try {
                traffic(app);
                assertThat(counts(app)).isEqualTo(EXPECTED);
            } finally {
                app.stopNow();
            }
        }
    }
}

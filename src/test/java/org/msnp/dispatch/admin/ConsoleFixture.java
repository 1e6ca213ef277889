package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;

/**
 * A running server with the census on an H2 file, the HTTP gateway, and a version policy the
 * console decides builds by; {@link #traffic()} makes a known mix of conversations over TCP and
 * the gateway and waits until the census has written them.
 */
final class ConsoleFixture implements AutoCloseable {
    static final String NODE = "dispatch-1";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The running policy: MSNMSGR 7.0.0813 recommended, 6.0.0602 minimum; MSMSGS below 5.0.0537 is below minimum. */
    static final String POLICY = """
            version-policy:
              rules:
                - library: MSNMSGR
                  recommended: 7.0.0813
                  minimum: 6.0.0602
                  download-url: http://www.example.net/msn-7.0.0813.exe
                  info-url: http://www.example.net/
                - library: MSMSGS
                  recommended: 5.0.0537
                  minimum: 5.0.0537
                  download-url: http://www.example.net/msn-5.0.0537.exe
                  info-url: http://www.example.net/
            """;

    /** As {@link #POLICY} with MSNMSGR's minimum raised to 7.0.0813. */
    static final String RAISED_MINIMUM = POLICY.replace("minimum: 6.0.0602", "minimum: 7.0.0813");

    final Path dir;
    final Path config;
    final Application app;
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code admin}: the admin block's further keys (indented by two spaces), e.g. an auth block. */
    ConsoleFixture(Path dir, String admin) throws Exception {
        this.dir = dir;
        this.config = Files.writeString(dir.resolve("dispatch.yaml"), yaml(POLICY, admin));
        this.app = Application.start(ConfigLoader.load(config), Optional.of(config), r -> { });
        this.base = "http://127.0.0.1:" + app.adminAddress().orElseThrow().getPort();
    }

    String yaml(String policy, String admin) {
        return """
                listen: 127.0.0.1:0
                public-address: 10.0.0.1:1863
                dialects: MSNP8..MSNP12
                notification-servers: {targets: [10.0.0.5:1863, 10.0.0.6:1863], health-check: {enabled: false}}
                limits: {close-wait: 300ms}
                gateway: {enabled: true, listen: 127.0.0.1:0}
                admin:
                  listen: 127.0.0.1:0
                %s
                census:
                  data-dir: %s
                  node: %s
                  flush-interval: 1h
                """.formatted(admin, dir.resolve("data"), NODE) + policy;
    }

    /** The census block of this server's configuration (to write history into its database). */
    org.msnp.dispatch.config.CensusConfig censusConfig() {
        return app.config().census();
    }

    static final String MSNP8 = "VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com\r\n"
            + "USR 3 TWN I a@example.com\r\n";
    static final String MSNP12 = "VER 1 MSNP12 CVR0\r\nCVR 2 0x0411 winnt 5.1 i386 MSNMSGR 7.0.0813 MSMSGS b@example.com\r\n"
            + "USR 3 TWN I b@example.com\r\n";
    static final String CVQ = "VER 1 MSNP5 CVR0\r\nCVQ 2 0x0407 win 4.10 i386 MSMSGS 4.7.3001\r\n";

    /**
     * 3 MSNP8 logins of MSNMSGR 6.0.0602 (0x0409) and 2 of MSNMSGR 7.0.0813 (0x0411, MSNP12) over
     * TCP, one CVQ of MSMSGS 4.7.3001 (0x0407, CVR0), one client with no common dialect, and 2
     * MSNP8 logins of 6.0.0602 through the gateway: 9 conversations, written to the census.
     */
    void traffic() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(talk(MSNP8, "XFR 3 NS")).last().asString().startsWith("XFR 3 NS 10.0.0.");
        }
        for (int i = 0; i < 2; i++) {
            assertThat(talk(MSNP12, "XFR 3 NS")).last().asString().startsWith("XFR 3 NS 10.0.0.");
        }
        assertThat(talk(CVQ, "CVQ 2")).containsExactly("VER 1 CVR0",
                "CVQ 2 5.0.0537 5.0.0537 5.0.0537 http://www.example.net/msn-5.0.0537.exe http://www.example.net/");
        assertThat(talk("VER 1 NOPE\r\n", "VER 1 0")).containsExactly("VER 1 0");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + app.gatewayAddress().orElseThrow().getPort()
                            + "/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com"))
                    .POST(HttpRequest.BodyPublishers.ofString(MSNP8)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(open.body()).contains("XFR 3 NS");
        }
        awaitCounted(9);
        assertThat(app.census().orElseThrow().flush()).isTrue();
    }

    /** Sends {@code lines}, reads replies until one starts with {@code last}, then closes. */
    List<String> talk(String lines, String last) throws IOException {
        InetSocketAddress server = app.tcpAddress();
        try (Socket s = new Socket()) {
            s.connect(server, 3000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(lines.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            List<String> replies = new ArrayList<>();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    String l = line.toString(StandardCharsets.US_ASCII).replace("\r", "");
                    replies.add(l);
                    line.reset();
                    if (l.startsWith(last)) {
                        break;
                    }
                } else {
                    line.write(b);
                }
            }
            return replies;
        }
    }

    private static final Pattern COUNTED = Pattern.compile("(?m)^msnp_census_counted_total(?:\\{[^}]*})? ([0-9.]+)$");

    /** Waits until the census has counted {@code n} finished conversations (each ends when its client closes). */
    void awaitCounted(long n) throws InterruptedException {
        long counted = -1;
        for (int i = 0; i < 250; i++) {
            Matcher m = COUNTED.matcher(app.metrics().scrape());
            counted = m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
            if (counted >= n) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(counted).as("conversations counted by the census").isEqualTo(n);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET, expecting 200 and JSON. */
    JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    /** POST /api/preview from this listener's own page. */
    HttpResponse<String> preview(String candidate, String query) throws IOException, InterruptedException {
        return http.send(request("/api/preview" + query).header("Origin", base).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(candidate)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        app.stopNow();
    }
}

package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;

/** The shipped Grafana dashboard asks only for metrics a running server exports. */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("dist/grafana/msnp-dispatch.json");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\\s*\\()");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    @TempDir
    Path dir;

    /** The metric names a PromQL expression reads. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")            // string literals
                .replaceAll("\\{[^}]*}", " ")                                   // label matchers
                .replaceAll("\\[[^]]*]", " ")                                   // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> out = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group().toLowerCase()) && (m.start() == 0 || s.charAt(m.start() - 1) != '$')) {
                out.add(m.group());
            }
        }
        return out;
    }

    static void expressions(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else if (e.getKey().equals("definition") && e.getValue().isTextual()) {
                    Matcher lv = LABEL_VALUES.matcher(e.getValue().asText());
                    if (lv.find()) {
                        out.add(lv.group(1));
                    }
                } else {
                    expressions(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> expressions(n, out));
        }
    }

    static String base(String name) {
        return name.replaceAll("_(bucket|count|sum)$", "");
    }

    @Test
    void theExtractorFindsMetricNamesOnly() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, transport) (rate(a_seconds_bucket{instance=~\"$instance\", x=\"y{z}\"}[$__rate_interval])))"))
                .containsExactly("a_seconds_bucket");
        assertThat(metricNames("sum(rate(a_sum[5m])) / sum(rate(a_count[5m])) and on (target) b"))
                .containsExactly("a_count", "a_sum", "b");
    }

    @Test
    void everyMetricTheDashboardReadsIsExported() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.path("__inputs").get(0).path("name").asText()).isEqualTo("DS_PROMETHEUS");
        assertThat(dashboard.path("panels").findValuesAsText("uid")).isNotEmpty().allMatch(u -> u.equals("${DS_PROMETHEUS}"));
        List<String> exprs = new ArrayList<>();
        expressions(dashboard, exprs);
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));
        assertThat(used).contains("msnp_handshakes_total", "msnp_referrals_total", "msnp_connections_refused_total",
                "msnp_ns_healthy", "msnp_errors_sent_total", "msnp_handshake_duration_seconds_bucket",
                "msnp_config_reloads_total", "msnp_connections_open");
        assertThat(exprs).anySatisfy(e -> assertThat(e).contains("by (verdict)"));

        Set<String> exported = scrapeAfterRealTraffic();
        assertThat(exported).contains("msnp_connections_refused_total", "msnp_config_reloads_total", "msnp_errors_sent_total");
        for (String name : used) {
            assertThat(exported).as("the dashboard reads %s; the server exports %s", name, exported).contains(base(name));
        }
    }

    /** Base names of what /metrics exports after handshakes, an error reply, a refusal and a reload. */
    Set<String> scrapeAfterRealTraffic() throws Exception {
        String yaml = """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                version-policy: {unknown-clients: reject-420}
                """;
        Path config = Files.writeString(dir.resolve("dispatch.yaml"), yaml + "limits: {close-linger: 100ms}\n");
        Application app = Application.start(ConfigLoader.load(config), Optional.of(config), r -> { });
        try {
            InetSocketAddress tcp = app.tcpAddress();
            for (int i = 0; i < 3; i++) {
                assertThat(talk(tcp, "VER 1 MSNP9 CVR0\r\nUSR 2 TWN I a@example.com\r\n", "XFR 2 NS")).contains("XFR 2 NS 10.0.0.5:1863");
            }
            assertThat(talk(tcp, "VER 1 MSNP9 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 YCOMM 0.1.0023 MSMSGS a@example.com\r\n", "420 2"))
                    .contains("420 2");
            // the reload, and a refusal under its new limit
            Files.writeString(config, yaml + "limits: {close-linger: 100ms, max-connections-per-ip: 1}\n");
            assertThat(app.reload().ok()).isTrue();
            Thread.sleep(500); // the connections above have lingered out (limits.close-linger)
            try (Socket held = new Socket(tcp.getAddress(), tcp.getPort())) {
                held.getOutputStream().write("VER 1 MSNP9 CVR0\r\n".getBytes(StandardCharsets.US_ASCII));
                held.setSoTimeout(5000);
                held.getInputStream().read();
                assertThat(talk(tcp, "VER 1 MSNP9 CVR0\r\n", null)).as("over max-connections-per-ip").doesNotContain("VER 1 MSNP9");
            }

            String body = "";
            for (int i = 0; i < 100 && !body.contains("msnp_connections_refused_total"); i++) {
                Thread.sleep(20);
                body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + app.adminAddress().orElseThrow().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            Set<String> names = new TreeSet<>();
            body.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> names.add(base(l.replaceAll("[{ ].*", ""))));
            return names;
        } finally {
            app.stopNow();
        }
    }

    /**
     * Sends {@code lines} and reads until the reply holds {@code until} (then closes, as a client
     * does after the closing reply) or, with {@code until} null, until the server closes.
     */
    static String talk(InetSocketAddress to, String lines, String until) throws Exception {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(lines.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (until == null || got.indexOf(until) < 0) && (n = in.read(buffer)) > 0; ) {
                    got.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                }
            } catch (java.net.SocketException reset) {
                // refused connections may be reset
            }
            return got.toString();
        }
    }
}

package org.msnp.dispatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.File;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.config.GatewayConfig;

/** The shipped files an operator reads and copies are true to the code. */
class DocsTest {

    static List<String> keys(Class<?> record, String prefix) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            if (named == null) {
                named = c.getAnnotation(JsonProperty.class);
            }
            String key = named != null ? named.value()
                    : new PropertyNamingStrategies.KebabCaseStrategy().translate(c.getName());
            out.add(prefix + key);
            Class<?> type = c.getType();
            if (List.class.isAssignableFrom(type)) {
                Type arg = ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                type = arg instanceof Class<?> k ? k : Object.class;
            }
            if (type.isRecord() && type.getPackageName().equals(DispatchConfig.class.getPackageName())
                    && type != GatewayConfig.class && type.getRecordComponents().length > 1
                    && !type.getSimpleName().matches("BindAddress|DialectSet|LocaleId|Url|AddressRange")) {
                out.addAll(keys(type, ""));
            }
        }
        return out;
    }

    @Test
    void everyConfigurationKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        List<String> keys = keys(DispatchConfig.class, "");
        assertThat(keys).contains("listen", "ver-reply", "recommended-2", "download-urls", "max-connections-per-ip",
                "interval", "weight");
        for (String k : keys) {
            assertThat(doc.contains("`" + k + "`") || doc.contains("." + k + "`"))
                    .as("docs/configuration.md documents `%s`", k).isTrue();
        }
    }

    @Test
    void everyGatewayKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/gateway.md"));
        List<String> keys = keys(GatewayConfig.class, "");
        assertThat(keys).contains("public-host", "max-body-bytes", "accept-ips");
        for (String k : keys) {
            assertThat(doc).as("docs/gateway.md documents `%s`", k).contains("`" + k + "`");
        }
    }

    @Test
    void everyMetricIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/operations.md"));
        Application app = Application.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                gateway: {enabled: true, listen: 127.0.0.1:0}
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                limits: {max-connections-per-ip: 1, close-wait: 200ms}
                """, "test"), r -> { });
        try {
            // traffic, so that the metrics created on first use exist too: a login over TCP, a
            // refusal (a second connection from the same address), a gateway session
            try (java.net.Socket login = new java.net.Socket("127.0.0.1", app.tcpAddress().getPort())) {
                login.getOutputStream().write("VER 1 MSNP8 CVR0\r\nUSR 2 TWN I a@example.com\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                login.setSoTimeout(3000);
                assertThat(login.getInputStream().readNBytes(10)).hasSize(10);
                try (java.net.Socket second = new java.net.Socket("127.0.0.1", app.tcpAddress().getPort())) {
                    second.setSoTimeout(3000);
                    assertThat(second.getInputStream().read()).isEqualTo(-1);
                }
                login.shutdownOutput();
                login.getInputStream().readAllBytes();
            }
            // the login's place is given back once the server has closed its side too
            for (int i = 0; i < 150 && app.limits().open() > 0; i++) {
                Thread.sleep(20);
            }
            java.net.http.HttpResponse<String> open = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + app.gatewayAddress().orElseThrow().getPort()
                                    + "/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("VER 1 MSNP8 CVR0\r\nUSR 2 TWN I a@example.com\r\n")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(open.body()).startsWith("VER 1 MSNP8 CVR0");
            app.metrics().reloaded(true);
            for (int i = 0; i < 100 && !app.metrics().scrape().contains("transport=\"http\",verdict"); i++) {
                Thread.sleep(20);
            }
            List<String> names = app.metrics().scrape().lines().filter(l -> l.startsWith("msnp_"))
                    .map(l -> l.replaceAll("[{ ].*", "").replaceAll("_(bucket|count|sum|max)$", "")).distinct().toList();
            assertThat(names).contains("msnp_connections_open", "msnp_ns_healthy", "msnp_config_reloads_total",
                    "msnp_handshakes_total", "msnp_connections_refused_total", "msnp_referrals_total",
                    "msnp_handshake_duration_seconds", "msnp_connection_duration_seconds");
            for (String n : names) {
                assertThat(doc).as("docs/operations.md documents %s", n).contains("`" + n + "`");
            }
        } finally {
            app.stopNow();
        }
    }

    @Test
    void everyCensusMetricIsDocumented(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String doc = Files.readString(Path.of("docs/operations.md"));
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        org.msnp.dispatch.config.CensusConfig config = ConfigLoader.parse("census: {data-dir: " + dir + ", node: docs}\n", "test")
                .census();
        try (org.msnp.dispatch.census.Census census = org.msnp.dispatch.census.Census.start(config, registry).orElseThrow()) {
            census.count(new org.msnp.dispatch.census.CensusKey("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "winnt", "0x0409",
                    "xfr", "current"));
            assertThat(census.flush()).isTrue();
            List<String> names = registry.scrape().lines().filter(l -> l.startsWith("msnp_"))
                    .map(l -> l.replaceAll("[{ ].*", "")).distinct().toList();
            assertThat(names).contains("msnp_census_folded_total", "msnp_census_dropped_total", "msnp_census_pending_keys",
                    "msnp_census_flush_failures_total");
            for (String n : names) {
                assertThat(doc).as("docs/operations.md documents %s", n).contains("`" + n + "`");
            }
        }
    }

    @Test
    void theShippedConfigurationFilesLoad() throws Exception {
        DispatchConfig example = ConfigLoader.load(Path.of("config/example.yaml"));
        assertThat(example.versionPolicy().rules()).hasSize(5);
        assertThat(example.notificationServers().targets()).hasSize(2);
        DispatchConfig vectors = ConfigLoader.load(Path.of("config/vectors-defaults.yaml"));
        assertThat(vectors.publicHostPort().orElseThrow().toString()).isEqualTo("10.0.0.1:1863");
    }

    @Test
    void theSystemdUnitVerifies() throws Exception {
        File analyze = new File("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(analyze.canExecute(), "systemd-analyze is not installed here");
        Process p = new ProcessBuilder(analyze.getPath(), "verify", "dist/msnp-dispatch.service")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("warnings from systemd-analyze").isBlank();
    }
}

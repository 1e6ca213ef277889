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
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                """, "test"), r -> { });
        try {
            app.metrics().refused("tcp", "max-connections");
            app.metrics().reloaded(true);
            List<String> names = app.metrics().scrape().lines().filter(l -> l.startsWith("msnp_"))
                    .map(l -> l.replaceAll("[{ ].*", "").replaceAll("_(bucket|count|sum|max)$", "")).distinct().toList();
            assertThat(names).contains("msnp_connections_open", "msnp_ns_healthy", "msnp_config_reloads_total");
            for (String n : names) {
                assertThat(doc).as("docs/operations.md documents %s", n).contains("`" + n + "`");
            }
        } finally {
            app.stopNow();
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

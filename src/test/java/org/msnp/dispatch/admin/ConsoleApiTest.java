package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.census.CensusHistory;
import org.msnp.dispatch.census.CensusKey;

/**
 * The console's JSON API over real HTTP, against a running server with known traffic over TCP
 * and the HTTP gateway: exact numbers, the running policy's verdicts, the preview, and who may ask.
 */
class ConsoleApiTest {
    @TempDir
    Path dir;

    static Map<String, Long> counts(JsonNode array, String field) {
        Map<String, Long> out = new LinkedHashMap<>();
        array.forEach(n -> out.put(n.get(field).asText(), n.get("conversations").asLong()));
        return out;
    }

    static Map<String, Long> object(JsonNode o) {
        Map<String, Long> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    @Test
    void statusNamesTheRunningConfigurationItsLastReloadAndThePool() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            JsonNode s = f.json("/api/status");
            assertThat(s.at("/config/version").asLong()).isEqualTo(1);
            assertThat(s.at("/config/source").asText()).isEqualTo(f.config.toString());
            assertThat(s.at("/config/lastReload").isNull()).isTrue();
            assertThat(s.at("/health/status").asText()).isEqualTo("up");
            assertThat(s.at("/health/notificationServers").toString())
                    .isEqualTo("[{\"target\":\"10.0.0.5:1863\",\"weight\":1,\"healthy\":true},"
                            + "{\"target\":\"10.0.0.6:1863\",\"weight\":1,\"healthy\":true}]");
            assertThat(s.at("/openConnections").toString()).isEqualTo("{\"http\":0,\"tcp\":0}");
            assertThat(s.at("/census").toString()).isEqualTo("{\"enabled\":true,\"node\":\"dispatch-1\"}");
            assertThat(Instant.parse(s.get("now").asText())).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));

            Files.writeString(f.config, f.yaml(ConsoleFixture.RAISED_MINIMUM, ""));
            assertThat(f.app.reload().ok()).isTrue();
            s = f.json("/api/status");
            assertThat(s.at("/config/version").asLong()).isEqualTo(2);
            assertThat(s.at("/config/lastReload/ok").asBoolean()).isTrue();
            assertThat(s.at("/config/lastReload/message").asText()).isEqualTo("reloaded");

            Files.writeString(f.config, f.yaml(ConsoleFixture.POLICY, "") + "nonsense: 1\n");
            assertThat(f.app.reload().ok()).isFalse();
            s = f.json("/api/status");
            assertThat(s.at("/config/version").asLong()).as("the running configuration stays").isEqualTo(2);
            assertThat(s.at("/config/lastReload/ok").asBoolean()).isFalse();
            assertThat(s.at("/config/lastReload/message").asText()).startsWith(f.config + ":").contains("nonsense");
        }
    }

    @Test
    void theCensusOfTheLastDayInExactNumbers() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            f.traffic();

            JsonNode h = f.json("/api/handshakes");
            assertThat(h.get("total").asLong()).isEqualTo(9);
            assertThat(h.get("step").asText()).isEqualTo("hour");
            assertThat(object(h.get("totals"))).containsExactly(Map.entry("xfr", 7L), Map.entry("cvq-answered", 1L),
                    Map.entry("no-common-dialect", 1L));
            assertThat(h.get("points")).hasSize(24);
            long sum = 0;
            for (JsonNode p : h.get("points")) {
                assertThat(p.get("period").asText()).isEqualTo("hour");
                assertThat(p.get("counts").size()).isEqualTo(3);
                assertThat(object(p.get("counts")).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(p.get("total").asLong());
                sum += p.get("total").asLong();
            }
            assertThat(sum).isEqualTo(9);
            assertThat(Instant.parse(h.get("to").asText())).isAfter(Instant.parse(h.get("from").asText()).plus(23, ChronoUnit.HOURS));

            JsonNode d = f.json("/api/dialects");
            assertThat(d.get("total").asLong()).isEqualTo(9);
            assertThat(counts(d.get("dialects"), "dialect")).containsExactly(Map.entry("MSNP8", 5L), Map.entry("MSNP12", 2L),
                    Map.entry("-", 1L), Map.entry("CVR0", 1L));

            JsonNode l = f.json("/api/locales");
            assertThat(l.get("locales").toString()).isEqualTo("["
                    + "{\"locale\":\"0x0409\",\"tag\":\"en-US\",\"language\":\"English (United States)\",\"conversations\":5},"
                    + "{\"locale\":\"0x0411\",\"tag\":\"ja-JP\",\"language\":\"Japanese (Japan)\",\"conversations\":2},"
                    + "{\"locale\":\"-\",\"tag\":null,\"language\":null,\"conversations\":1},"
                    + "{\"locale\":\"0x0407\",\"tag\":\"de-DE\",\"language\":\"German (Germany)\",\"conversations\":1}]");

            JsonNode v = f.json("/api/verdicts");
            assertThat(object(v.get("totals"))).containsExactly(Map.entry("upgrade-offered", 5L), Map.entry("current", 2L),
                    Map.entry("below-minimum", 1L), Map.entry("none", 1L));

            JsonNode b = f.json("/api/builds");
            assertThat(b.get("configVersion").asLong()).isEqualTo(1);
            assertThat(b.get("builds").toString()).isEqualTo("["
                    + "{\"library\":\"MSNMSGR\",\"build\":\"6.0.0602\",\"conversations\":5,\"verdict\":\"upgrade-offered\","
                    + "\"verdicts\":{\"upgrade-offered\":5}},"
                    + "{\"library\":\"MSNMSGR\",\"build\":\"7.0.0813\",\"conversations\":2,\"verdict\":\"current\","
                    + "\"verdicts\":{\"current\":2}},"
                    + "{\"library\":\"-\",\"build\":\"-\",\"conversations\":1,\"verdict\":\"none\",\"verdicts\":{\"none\":1}},"
                    + "{\"library\":\"MSMSGS\",\"build\":\"4.7.3001\",\"conversations\":1,\"verdict\":\"below-minimum\","
                    + "\"verdicts\":{\"below-minimum\":1}}]");
            assertThat(f.json("/api/builds?limit=2").get("builds")).hasSize(2);

            // the verdict is the running policy's, not the one the census recorded
            Files.writeString(f.config, f.yaml(ConsoleFixture.RAISED_MINIMUM, ""));
            assertThat(f.app.reload().ok()).isTrue();
            b = f.json("/api/builds?limit=1");
            assertThat(b.get("configVersion").asLong()).isEqualTo(2);
            assertThat(b.at("/builds/0/verdict").asText()).isEqualTo("below-minimum");
            assertThat(object(f.json("/api/verdicts").get("totals"))).containsEntry("upgrade-offered", 5L);

            // ranges and the node filter
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            assertThat(f.json("/api/dialects?from=" + today + "&to=" + today).get("total").asLong()).isEqualTo(9);
            assertThat(f.json("/api/dialects?last=1h").get("total").asLong()).isEqualTo(9);
            String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
            assertThat(f.json("/api/dialects?from=" + tomorrow + "&to=" + tomorrow).get("total").asLong()).isZero();
            assertThat(f.json("/api/dialects?node=dispatch-1").get("total").asLong()).isEqualTo(9);
            assertThat(f.json("/api/dialects?node=dispatch-2").get("dialects")).isEmpty();
        }
    }
}

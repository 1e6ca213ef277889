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

    static final CensusKey OLD_MSNP8 = new CensusKey("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "winnt", "0x0409", "xfr",
            "upgrade-offered");

    @Test
    void otherNodesAndRolledUpDaysAreInTheirPlace() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            f.traffic();
            Instant twoHoursAgo = Instant.now().minus(2, ChronoUnit.HOURS);
            LocalDate fortyDaysAgo = LocalDate.now(ZoneOffset.UTC).minusDays(40);
            CensusHistory.write(f.censusConfig(), List.of(
                    new CensusHistory.Past(twoHoursAgo, "dispatch-2", OLD_MSNP8, 4),
                    new CensusHistory.Past(fortyDaysAgo.atTime(10, 0).toInstant(ZoneOffset.UTC), ConsoleFixture.NODE, OLD_MSNP8, 6)),
                    true);

            assertThat(f.json("/api/handshakes").get("total").asLong()).isEqualTo(13);
            assertThat(f.json("/api/handshakes?node=dispatch-1").get("total").asLong()).isEqualTo(9);
            assertThat(f.json("/api/handshakes?node=dispatch-2").get("total").asLong()).isEqualTo(4);
            assertThat(f.json("/api/nodes").get("nodes").toString()).isEqualTo("["
                    + "{\"node\":\"dispatch-1\",\"conversations\":9,\"local\":true},"
                    + "{\"node\":\"dispatch-2\",\"conversations\":4,\"local\":false}]");

            // a rolled-up day is one point of period day in place of its hours
            JsonNode day = f.json("/api/handshakes?from=" + fortyDaysAgo.minusDays(1) + "&to=" + fortyDaysAgo);
            assertThat(day.get("step").asText()).isEqualTo("hour");
            assertThat(day.get("total").asLong()).isEqualTo(6);
            List<String> periods = new ArrayList<>();
            day.get("points").forEach(p -> periods.add(p.get("period").asText()));
            assertThat(periods).hasSize(25).containsOnlyOnce("day");
            JsonNode point = day.get("points").get(24);
            assertThat(point.get("start").asText()).isEqualTo(fortyDaysAgo + "T00:00:00Z");
            assertThat(point.get("period").asText()).isEqualTo("day");
            assertThat(point.at("/counts/xfr").asLong()).isEqualTo(6);

            // past a week, one point per UTC day
            JsonNode longer = f.json("/api/handshakes?last=60d");
            assertThat(longer.get("step").asText()).isEqualTo("day");
            assertThat(longer.get("total").asLong()).isEqualTo(19);
            assertThat(longer.get("points").size()).isBetween(60, 61);
            longer.get("points").forEach(p -> assertThat(p.get("period").asText()).isEqualTo("day"));
            JsonNode last = longer.get("points").get(longer.get("points").size() - 1);
            assertThat(last.get("start").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z");
            assertThat(f.json("/api/verdicts?last=60d").at("/totals/upgrade-offered").asLong()).isEqualTo(15);
        }
    }

    @Test
    void badParametersAreAnsweredWithOneLine() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            Map<String, String> refused = new LinkedHashMap<>();
            refused.put("/api/dialects?from=yesterday", "from: 'yesterday' is not a date (2026-12-01) or an instant (2026-12-01T10:00:00Z)");
            refused.put("/api/dialects?to=2026-13-01", "to: '2026-13-01' is not a date (2026-12-01) or an instant (2026-12-01T10:00:00Z)");
            refused.put("/api/dialects?from=2026-12-02&to=2026-12-01",
                    "from: 2026-12-02T00:00:00Z is not before to 2026-12-02T00:00:00Z");
            refused.put("/api/dialects?from=2020-01-01&to=2026-01-01", "to: a range spans at most 366 days");
            refused.put("/api/dialects?last=3w", "last: '3w' is not a span such as 1h, 24h, 7d or 30d");
            refused.put("/api/dialects?last=400d", "last: a range spans at most 366 days");
            refused.put("/api/dialects?last=1h&from=2026-12-01", "last: give either last or from/to, not both");
            refused.put("/api/dialects?node=%3Cscript%3E", "node: a node name is 1-64 letters, digits, '.', '_', ':' or '-'");
            refused.put("/api/builds?limit=0", "limit: '0' is not a number from 1 to 100");
            refused.put("/api/builds?limit=%3Cb%3E", "limit: '<b>' is not a number from 1 to 100");
            for (Map.Entry<String, String> e : refused.entrySet()) {
                HttpResponse<String> r = f.get(e.getKey());
                assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
                assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText()).as(e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(f.get("/api/no-such-thing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void withoutTheCensusTheCensusEndpointsSaySo() throws Exception {
        Path config = Files.writeString(dir.resolve("dispatch.yaml"), """
                listen: 127.0.0.1:0
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                admin: {listen: 127.0.0.1:0}
                census: {enabled: false}
                """);
        org.msnp.dispatch.app.Application app = org.msnp.dispatch.app.Application.start(
                org.msnp.dispatch.config.ConfigLoader.load(config), java.util.Optional.of(config), r -> { });
        try {
            String base = "http://127.0.0.1:" + app.adminAddress().orElseThrow().getPort();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "/api/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ConsoleFixture.JSON.readTree(status.body()).get("census").toString())
                    .isEqualTo("{\"enabled\":false,\"node\":null}");
            HttpResponse<String> dialects = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "/api/dialects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dialects.statusCode()).isEqualTo(409);
            assertThat(dialects.body()).isEqualTo("{\"error\":\"the census is off (census.enabled: false): there is nothing to show\"}\n");
        } finally {
            app.stopNow();
        }
    }

    /** Raises MSNMSGR's minimum, adds a rule naming archs and one no client matches, and drops MSMSGS's rule. */
    static final String CANDIDATE = """
            # a candidate
            version-policy:
              unknown-clients: reject-420
              rules:
                - library: MSNMSGR
                  archs: [i386]
                  recommended: 7.0.0813
                  minimum: 7.0.0813
                  download-url: http://www.example.net/msn-7.0.0813.exe
                  info-url: http://www.example.net/
                - library: MSNMSGR
                  recommended: 7.0.0813
                  minimum: 7.0.0813
                  download-url: http://www.example.net/msn-7.0.0813.exe
                  info-url: http://www.example.net/
                - library: WEBMSGR
                  recommended: 1.0.0001
                  minimum: 1.0.0001
                  download-url: http://www.example.net/web.exe
                  info-url: http://www.example.net/
            """;

    @Test
    void thePreviewDecidesTheCensusByTheCandidateAndChangesNothing() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            f.traffic();
            HttpResponse<String> r = f.preview(CANDIDATE, "?days=3");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode p = ConsoleFixture.JSON.readTree(r.body());
            assertThat(p.get("days").asInt()).isEqualTo(3);
            assertThat(p.get("configVersion").asLong()).isEqualTo(1);
            assertThat(p.get("conversations").asLong()).as("the conversation without a client report is not decided").isEqualTo(8);
            assertThat(p.get("changed").asLong()).isEqualTo(6);
            assertThat(p.get("verdicts").toString()).isEqualTo("["
                    + "{\"from\":\"current\",\"to\":\"current\",\"conversations\":2},"
                    + "{\"from\":\"upgrade-offered\",\"to\":\"below-minimum\",\"conversations\":5},"
                    + "{\"from\":\"below-minimum\",\"to\":\"rejected-420\",\"conversations\":1}]");
            assertThat(object(p.get("before"))).containsExactly(Map.entry("current", 2L), Map.entry("upgrade-offered", 5L),
                    Map.entry("unknown", 0L), Map.entry("below-minimum", 1L), Map.entry("rejected-420", 0L));
            assertThat(object(p.get("after"))).containsExactly(Map.entry("current", 2L), Map.entry("upgrade-offered", 0L),
                    Map.entry("unknown", 0L), Map.entry("below-minimum", 5L), Map.entry("rejected-420", 1L));
            List<String> rules = new ArrayList<>();
            p.get("rules").forEach(u -> rules.add(u.get("position").asInt() + " " + u.get("status").asText() + " "
                    + u.get("conversations").asLong()));
            assertThat(rules).containsExactly("1 names-archs 0", "2 matches 7", "3 dead 0");
            assertThat(p.at("/rules/1/rule").asText()).isEqualTo("MSNMSGR → recommended 7.0.0813, minimum 7.0.0813");
            assertThat(p.get("deadRules").asInt()).isEqualTo(1);
            assertThat(p.get("unknown").toString()).isEqualTo("[{\"library\":\"MSMSGS\",\"build\":\"4.7.3001\",\"conversations\":1}]");
            assertThat(p.get("unknownBuilds").asInt()).isEqualTo(1);
            assertThat(p.get("skipped").asLong()).isZero();

            // nothing changed on the running server
            assertThat(f.json("/api/status").at("/config/version").asLong()).isEqualTo(1);
            assertThat(f.app.lastReload()).isEmpty();
            assertThat(f.json("/api/builds?limit=1").at("/builds/0/verdict").asText()).isEqualTo("upgrade-offered");
            assertThat(f.talk(ConsoleFixture.MSNP8, "XFR 3 NS")).last().asString().startsWith("XFR 3 NS");
        }
    }

    @Test
    void aCandidateTooLargeIsAnsweredEveryTimeNotCutOff() throws Exception {
        // refused by its declared length: the answer must reach the client whole, not lost to a
        // connection closed under the body the client is still sending
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            String tooLarge = "#".repeat(64 * 1024 + 1);
            for (int i = 0; i < 60; i++) {
                HttpResponse<String> r = f.preview(i % 2 == 0 ? tooLarge : tooLarge + "#".repeat(200 * 1024), "");
                assertThat(r.statusCode()).as("attempt " + i).isEqualTo(413);
                assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText()).isEqualTo("candidate.yaml: larger than 64 KiB");
            }
            // and the listener still answers what it should
            assertThat(f.preview(CANDIDATE, "").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBadCandidateIsOneLineNamingTheCandidateLineAndKey() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            HttpResponse<String> r = f.preview(CANDIDATE.replace("minimum: 1.0.0001", "minimum: 1.0.0002"), "");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText())
                    .isEqualTo("candidate.yaml:18: version-policy.rules[2].minimum: minimum 1.0.0002 is above recommended 1.0.0001");

            r = f.preview("version-policy:\n  rules: [\n", "");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText()).startsWith("candidate.yaml:");

            r = f.preview("  \n", "");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText())
                    .isEqualTo("candidate.yaml: empty: send the candidate configuration file as the body");

            r = f.preview(CANDIDATE, "?days=0");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText()).isEqualTo("days: '0' is not a number from 1 to 366");

            r = f.preview("#".repeat(64 * 1024 + 1), "");
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(ConsoleFixture.JSON.readTree(r.body()).get("error").asText()).isEqualTo("candidate.yaml: larger than 64 KiB");

            // a candidate up to 64 KiB is read whole, past the listener's 16 KiB for other bodies
            r = f.preview(CANDIDATE + "#".repeat(40 * 1024) + "\n", "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(f.json("/api/status").at("/config/version").asLong()).isEqualTo(1);
        }
    }

    @Test
    void withoutCredentialsLoopbackAnswersButACrossSitePreviewIsRefused() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            assertThat(f.get("/api/status").statusCode()).isEqualTo(200);
            HttpResponse<String> noOrigin = f.http.send(f.request("/api/preview").POST(HttpRequest.BodyPublishers.ofString(CANDIDATE))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(noOrigin.statusCode()).isEqualTo(403);
            assertThat(noOrigin.body()).isEqualTo("cross-site request refused\n");
            HttpResponse<String> otherSite = f.http.send(f.request("/api/preview").header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(CANDIDATE)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(otherSite.statusCode()).isEqualTo(403);
            assertThat(f.preview(CANDIDATE, "").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withCredentialsTheApiNeedsALoginOrTheBearerToken() throws Exception {
        Path token = Files.writeString(dir.resolve("admin.token"), AdminFixture.TOKEN + "\n");
        String auth = """
                  auth:
                    password-hash: "%s"
                    token-file: %s
                """.formatted(AdminFixture.HASH, token);
        try (ConsoleFixture f = new ConsoleFixture(dir, auth)) {
            HttpResponse<String> none = f.get("/api/status");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).doesNotContain("dispatch-1", "version");
            assertThat(f.http.send(f.request("/api/preview").header("Origin", f.base).POST(HttpRequest.BodyPublishers.ofString(CANDIDATE))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

            HttpResponse<String> bearer = f.http.send(f.request("/api/status").header("Authorization", "Bearer " + AdminFixture.TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(bearer.body()).contains("\"node\":\"dispatch-1\"");
            // a script with the token needs no Origin
            assertThat(f.http.send(f.request("/api/preview").header("Authorization", "Bearer " + AdminFixture.TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(CANDIDATE)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);

            HttpResponse<String> login = f.http.send(f.request("/login").header("Origin", f.base)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("password=" + java.net.URLEncoder.encode(AdminFixture.PASSWORD,
                            java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie = AdminFixture.cookie(login);
            assertThat(f.http.send(f.request("/api/dialects").header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            HttpResponse<String> crossSite = f.http.send(f.request("/api/preview").header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.ofString(CANDIDATE)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(crossSite.statusCode()).isEqualTo(403);
            assertThat(f.http.send(f.request("/api/preview").header("Cookie", cookie).header("Origin", f.base)
                    .POST(HttpRequest.BodyPublishers.ofString(CANDIDATE)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
        }
    }
}

package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.cli.Main;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.nodes.Membership;
import org.msnp.dispatch.nodes.PolicyDatabase;
import org.msnp.dispatch.nodes.PolicyStore;
import org.msnp.dispatch.nodes.TestPostgres;
import org.slf4j.LoggerFactory;

/**
 * Nodes following one policy published to a real PostgreSQL: every publish reaches a running
 * node within two seconds (through the notification: the poll is far slower), over a real
 * socket; an invalid one changes nothing; the database going away changes nothing that runs;
 * a node started while it is away runs the cached version; the nodes show in the membership.
 */
class PolicyFromDatabaseTest {
    private static TestPostgres postgres;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration PICKED_UP = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    String url;
    final List<Application> apps = new ArrayList<>();
    final ListAppender<ILoggingEvent> log = new ListAppender<>();
    final Logger server = (Logger) LoggerFactory.getLogger("msnp.server");

    static final String POLICY = TestPostgres.POLICY;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        url = postgres.newDatabase();
        log.start();
        server.addAppender(log);
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (Application a : apps) {
            a.stopNow();
        }
        server.detachAppender(log);
    }

    /** The node's own file: listeners on free ports, this database, the cache under the test's directory. */
    String node(String name, String databaseUrl, String extra) {
        return """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                census: {enabled: false, node: %s}
                policy-source:
                  from: database
                  database-url: "%s"
                  poll-interval: 1h
                  cache-file: %s
                membership: {heartbeat-interval: 200ms}
                """.formatted(name, databaseUrl, dir.resolve(name + "-cache.yaml")) + extra;
    }

    Application start(String yaml) throws Exception {
        Path file = dir.resolve("node-" + apps.size() + ".yaml");
        Files.writeString(file, yaml);
        Application app = Application.start(ConfigLoader.load(file), Optional.of(file), r -> { });
        apps.add(app);
        return app;
    }

    /** Runs the command line; its exit code and standard error. */
    static String[] cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        synchronized (PolicyFromDatabaseTest.class) {
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                code = Main.commandLine().execute(args);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
        return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8)};
    }

    String publish(String minimum, String databaseUrl) throws Exception {
        Path doc = Files.writeString(dir.resolve("policy-" + minimum + ".yaml"), POLICY.formatted(minimum));
        String[] r = cli("policy", "publish", doc.toString(), "--database", databaseUrl, "--by", "test");
        assertThat(r[1]).isEmpty();
        assertThat(r[0]).isEqualTo("0");
        return r[2];
    }

    static String cvr(Application app) throws Exception {
        return Wire.msnp8Login(app.tcpAddress(), null).get(1);
    }

    static String cvrWith(String minimum) {
        return "CVR 2 7.0.0813 7.0.0813 " + minimum + " http://example.invalid/dl http://example.invalid/info";
    }

    /** The CVR answer, asked again until it is {@code expected} or {@code within} has passed. */
    static String awaitCvr(Application app, String expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String answer = cvr(app);
        while (!answer.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            answer = cvr(app);
        }
        return answer;
    }

    static JsonNode health(Application app) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + app.adminAddress().orElseThrow().getPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        return ((com.fasterxml.jackson.databind.node.ObjectNode) JsonMapper.builder().build().readTree(r.body())).put("http-status", r.statusCode());
    }

    static <T> T await(Supplier<T> value, java.util.function.Predicate<T> done, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = value.get();
        }
        return v;
    }

    static JsonNode policyHealth(Application app) {
        try {
            return health(app).get("policy");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long versions(String databaseUrl) throws Exception {
        return new PolicyStore(PolicyDatabase.simple(databaseUrl, Optional.empty(), Optional.empty())).history().size();
    }

    @Test
    void aRunningNodeTakesEveryPublishWithinTwoSecondsAndNoInvalidOne() throws Exception {
        publish("6.0.0268", url);
        Application app = start(node("node-a", url, ""));
        assertThat(cvr(app)).isEqualTo(cvrWith("6.0.0268"));
        JsonNode p = health(app).get("policy");
        assertThat(p.get("source").asText()).isEqualTo("database");
        assertThat(p.get("version").asLong()).isEqualTo(1);
        assertThat(p.get("loaded-from").asText()).isEqualTo("database");
        assertThat(p.get("database").asText()).isEqualTo("up");
        assertThat(health(app).get("node").asText()).isEqualTo("node-a");

        // a new minimum: the poll is an hour away, so only the notification can bring it
        publish("6.0.0602", url);
        assertThat(awaitCvr(app, cvrWith("6.0.0602"), PICKED_UP)).isEqualTo(cvrWith("6.0.0602"));
        assertThat(app.metrics().scrape()).contains("msnp_config_reloads_total{result=\"ok\"} 1.0")
                .contains("msnp_policy_version 2.0").contains("msnp_policy_source_up 1.0")
                .contains("msnp_policy_latest_version 2.0");
        assertThat(Appended.seen(log)).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("configuration reloaded from policy version 2 (jdbc:postgresql://")
                        .doesNotContain("user="));
        assertThat(app.lastReload().orElseThrow().ok()).isTrue();
        assertThat(app.configSource()).endsWith("node-0.yaml with policy version 2 from " + PolicyDatabase.shown(url));

        // refused at publish time: nothing stored, nothing changes
        Path bad = Files.writeString(dir.resolve("bad.yaml"), POLICY.formatted("9.0.0000"));
        String[] refused = cli("policy", "publish", bad.toString(), "--database", url, "--by", "test");
        assertThat(refused[0]).isEqualTo("1");
        assertThat(refused[1].trim()).startsWith(bad + ":7: version-policy.rules[0].minimum:").doesNotContain("\n");
        assertThat(versions(url)).isEqualTo(2);
        Thread.sleep(500);
        assertThat(cvr(app)).isEqualTo(cvrWith("6.0.0602"));
        assertThat(app.metrics().scrape()).contains("msnp_config_reloads_total{result=\"ok\"} 1.0")
                .doesNotContain("msnp_config_reloads_total{result=\"failed\"} 1.0");

        // rollback: version 1's text as version 3
        String[] back = cli("policy", "rollback", "1", "--database", url, "--by", "test");
        assertThat(back[0]).as(back[1]).isEqualTo("0");
        assertThat(awaitCvr(app, cvrWith("6.0.0268"), PICKED_UP)).isEqualTo(cvrWith("6.0.0268"));
        assertThat(await(() -> policyHealth(app).get("version").asLong(), v -> v == 3, PICKED_UP)).isEqualTo(3);
        // the cache file is written right after the version is applied
        String cacheHead = "# msnp-dispatch policy cache: version 3, sha256 " + PolicyStore.sha256(POLICY.formatted("6.0.0268"));
        assertThat(await(() -> {
            try {
                return Files.readString(dir.resolve("node-a-cache.yaml"));
            } catch (java.io.IOException e) {
                return "";
            }
        }, t -> t.startsWith(cacheHead), PICKED_UP))
                .startsWith(cacheHead)
                .endsWith(POLICY.formatted("6.0.0268"));
        // the metric names are documented
        String doc = Files.readString(Path.of("docs/operations.md"));
        app.metrics().scrape().lines().filter(l -> l.startsWith("msnp_policy_")).map(l -> l.replaceAll("[{ ].*", ""))
                .forEach(n -> assertThat(doc).as("docs/operations.md documents %s", n).contains("`" + n + "`"));
    }

    @Test
    void theSharedKeysComeFromTheDatabaseAndTheOthersFromTheNodesOwnFile() throws Exception {
        // nothing published yet: the node runs its own file, shared keys included
        String own = """
                public-address: 10.0.0.1:1863
                dialects: MSNP8
                notification-servers: {targets: [10.0.0.9:1863], health-check: {enabled: false}}
                limits: {max-connections-per-ip: 7}
                """;
        Application app = start(node("node-a", url, own));
        assertThat(Wire.msnp8Login(app.tcpAddress(), null)).containsExactly("VER 1 MSNP8 CVR0",
                "CVR 2 6.0.0602 6.0.0602 6.0.0602 http://messenger.msn.com http://messenger.msn.com",
                "XFR 3 NS 10.0.0.9:1863 0 10.0.0.1:1863");
        JsonNode p = health(app).get("policy");
        assertThat(p.get("loaded-from").asText()).isEqualTo("local-file");
        assertThat(p.has("version")).isFalse();

        // the first version: its shared keys replace the file's; a shared key it leaves out
        // (dialects) takes the default, not the file's value
        publish("6.0.0268", url);
        assertThat(awaitCvr(app, cvrWith("6.0.0268"), PICKED_UP)).isEqualTo(cvrWith("6.0.0268"));
        assertThat(app.config().dialects().toString()).isEqualTo("MSNP2..MSNP23");
        assertThat(Wire.msnp8Login(app.tcpAddress(), null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        assertThat(app.config().limits().maxConnectionsPerIp()).isEqualTo(7);

        // SIGHUP: the file's node-local keys change, the published ones stay
        Files.writeString(dir.resolve("node-0.yaml"), node("node-a", url, own.replace("10.0.0.1:1863", "10.0.0.2:1863")));
        assertThat(app.reload().ok()).isTrue();
        assertThat(Wire.msnp8Login(app.tcpAddress(), null)).containsExactly("VER 1 MSNP8 CVR0", cvrWith("6.0.0268"),
                "XFR 3 NS 10.0.0.5:1863 0 10.0.0.2:1863");
    }

    @Test
    void withTheDatabaseAwayANodeKeepsItsVersionAndARestartedOneRunsTheCache(@TempDir Path data) throws Exception {
        try (TestPostgres own = TestPostgres.startIn(data)) {
            String ownUrl = own.url();
            publish("6.0.0268", ownUrl);
            publish("6.0.0602", ownUrl);
            String yaml = node("node-a", ownUrl, "");
            Application app = start(yaml);
            assertThat(cvr(app)).isEqualTo(cvrWith("6.0.0602"));

            own.stop();
            JsonNode down = await(() -> policyHealth(app), p -> p.get("database").asText().equals("down"), Duration.ofSeconds(10));
            assertThat(down.get("database").asText()).isEqualTo("down");
            assertThat(down.get("database-problem").asText()).isNotBlank();
            assertThat(down.get("version").asLong()).isEqualTo(2);
            assertThat(health(app).get("status").asText()).as("the node still serves").isEqualTo("up");
            assertThat(health(app).get("http-status").asInt()).isEqualTo(200);
            assertThat(app.metrics().scrape()).contains("msnp_policy_source_up 0.0").contains("msnp_policy_version 2.0");
            assertThat(cvr(app)).isEqualTo(cvrWith("6.0.0602"));
            assertThat(Appended.seen(log)).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("policy: cannot reach the policy database").contains("version 2 keeps running"));

            // a node started now runs the version it cached
            app.stopNow();
            apps.remove(app);
            Application again = start(yaml);
            assertThat(cvr(again)).isEqualTo(cvrWith("6.0.0602"));
            JsonNode p = health(again).get("policy");
            assertThat(p.get("loaded-from").asText()).isEqualTo("cache-file");
            assertThat(p.get("version").asLong()).isEqualTo(2);
            assertThat(p.get("database").asText()).isEqualTo("down");
            assertThat(again.metrics().scrape()).contains("msnp_policy_source_up 0.0");
            assertThat(Appended.seen(log)).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("policy: running version 2 from the cache file"));

            // the database back: SIGHUP asks at once (the pause between attempts grows while it is away)
            own.restart();
            again.reload();
            JsonNode back = await(() -> policyHealth(again), h -> h.get("database").asText().equals("up")
                    && h.get("loaded-from").asText().equals("database"), Duration.ofSeconds(10));
            assertThat(back.get("database").asText()).isEqualTo("up");
            assertThat(back.get("loaded-from").asText()).isEqualTo("database");
            publish("7.0.0813", ownUrl);
            assertThat(awaitCvr(again, cvrWith("7.0.0813"), PICKED_UP)).isEqualTo(cvrWith("7.0.0813"));
            again.stopNow();
            apps.remove(again);
        }
    }

    @Test
    void everyNodeShowsInTheMembershipAndAStoppedOneGoesStale() throws Exception {
        publish("6.0.0268", url);
        Application a = start(node("node-a", url, ""));
        Application b = start(node("node-b", url, ""));
        // a node whose policy is its own file, with its census in the same PostgreSQL
        Application c = start("""
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                census: {database-url: "%s", node: node-c}
                membership: {heartbeat-interval: 200ms}
                """.formatted(url));
        Membership m = a.membership().orElseThrow();
        List<Membership.Node> nodes = await(() -> nodes(m), n -> n.size() == 3, Duration.ofSeconds(5));
        assertThat(nodes).extracting(Membership.Node::name).containsExactly("node-a", "node-b", "node-c");
        assertThat(nodes.get(0).address()).isEqualTo("127.0.0.1:" + a.tcpAddress().getPort());
        assertThat(nodes.get(0).policyVersion()).hasValue(1);
        assertThat(nodes.get(0).policySource()).isEqualTo("database");
        assertThat(nodes.get(2).policySource()).isEqualTo("file");
        assertThat(nodes).noneMatch(Membership.Node::stale).noneMatch(Membership.Node::behind);
        assertThat(c.health().body().get("policy")).isEqualTo(java.util.Map.of("source", "file"));

        b.stopNow();
        apps.remove(b);
        nodes = await(() -> nodes(m), n -> n.get(1).stale(), Duration.ofSeconds(5));
        assertThat(nodes.get(1).stopped()).isTrue();
        assertThat(nodes.get(1).stale()).isTrue();
        assertThat(nodes.get(0).stale()).isFalse();
        assertThat(nodes.get(2).stale()).isFalse();
        // b stopped on version 1: once version 2 is out, it is behind; a follows
        publish("6.0.0602", url);
        nodes = await(() -> nodes(m), n -> n.get(0).policyVersion().orElse(0) == 2, Duration.ofSeconds(5));
        assertThat(nodes.get(0).behind()).isFalse();
        assertThat(nodes.get(1).behind()).isTrue();
    }

    static List<Membership.Node> nodes(Membership m) {
        try {
            return m.nodes();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

}

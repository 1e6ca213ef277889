package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.nodes.PolicyDatabase;
import org.msnp.dispatch.nodes.PolicyStore;
import org.msnp.dispatch.nodes.TestPostgres;

/** {@code policy publish | history | rollback | show} against a real PostgreSQL. */
class PolicyPublishCommandTest {
    private static TestPostgres postgres;
    @TempDir
    Path dir;
    String url;

    static final String POLICY = "# the network's policy\n" + org.msnp.dispatch.nodes.TestPostgres.POLICY;

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
    }

    Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    long versions() throws Exception {
        return new PolicyStore(PolicyDatabase.simple(url, Optional.empty(), Optional.empty())).history().size();
    }

    @Test
    void publishThenHistoryThenRollback() throws Exception {
        Path one = file("one.yaml", POLICY.formatted("6.0.0602"));
        Console p1 = Console.run("policy", "publish", one.toString(), "--database", url, "--comment", "first", "--by", "alice");
        assertThat(p1.err()).isEmpty();
        assertThat(p1.exitCode()).isZero();
        assertThat(p1.out()).startsWith("published policy version 1 to jdbc:postgresql://localhost:")
                .contains("sha256 " + PolicyStore.sha256(POLICY.formatted("6.0.0602"))).doesNotContain("user=");
        Console p2 = Console.run("policy", "publish", file("two.yaml", POLICY.formatted("7.0.0813")).toString(), "--database", url,
                "--comment", "raise the minimum to 7.0", "--by", "bob");
        assertThat(p2.out()).startsWith("published policy version 2 ");

        Console h = Console.run("policy", "history", "--database", url);
        assertThat(h.exitCode()).isZero();
        assertThat(h.out().lines().toList()).hasSize(3);
        assertThat(h.out()).containsPattern("(?m)^\\s+1  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  alice\\s+[0-9a-f]{12}  first$")
                .containsPattern("(?m)^\\s+2  .*  bob\\s+[0-9a-f]{12}  raise the minimum to 7.0$");

        Console r = Console.run("policy", "rollback", "1", "--database", url, "--by", "carol");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).startsWith("published policy version 3 ").contains("the text of version 1");
        JsonNode json = JsonMapper.builder().build().readTree(Console.run("policy", "history", "--database", url, "--format", "json").out());
        assertThat(json).hasSize(3);
        assertThat(json.get(2).get("published-by").asText()).isEqualTo("carol");
        assertThat(json.get(2).get("comment").asText()).isEqualTo("rollback to version 1");
        assertThat(json.get(2).get("sha256").asText()).isEqualTo(json.get(0).get("sha256").asText());
        assertThat(Console.run("policy", "show", "--database", url).out()).isEqualTo(POLICY.formatted("6.0.0602"));
        assertThat(Console.run("policy", "show", "2", "--database", url).out()).isEqualTo(POLICY.formatted("7.0.0813"));
    }

    @Test
    void anInvalidDocumentIsRefusedAsCheckConfigRefusesItAndNothingIsStored() throws Exception {
        Console ok = Console.run("policy", "publish", file("ok.yaml", POLICY.formatted("6.0.0602")).toString(), "--database", url,
                "--by", "alice");
        assertThat(ok.exitCode()).isZero();
        Path bad = file("bad.yaml", POLICY.formatted("8.0.0000"));
        Console c = Console.run("policy", "publish", bad.toString(), "--database", url, "--by", "alice");
        Console check = Console.run("check-config", bad.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).isEqualTo(check.err());
        assertThat(c.err().trim()).startsWith(bad + ":8: version-policy.rules[0].minimum: minimum 8.0.0000 is above recommended")
                .doesNotContain("\n");
        assertThat(versions()).isEqualTo(1);
    }

    @Test
    void aNodeLocalKeyIsRefusedWithItsLine() throws Exception {
        Path local = file("local.yaml", POLICY.formatted("6.0.0602") + "limits:\n  max-connections: 10\n");
        Console c = Console.run("policy", "publish", local.toString(), "--database", url, "--by", "alice");
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.err().trim()).startsWith(local + ":11: limits: a node-local key cannot be published")
                .contains("version-policy, dialects, protocol, notification-servers, foreign-handles").doesNotContain("\n");
        Path listen = file("listen.yaml", "listen: 0.0.0.0:1863\n" + POLICY.formatted("6.0.0602"));
        assertThat(Console.run("policy", "publish", listen.toString(), "--database", url, "--by", "a").err())
                .startsWith(listen + ":1: listen: a node-local key");
        Path empty = file("empty.yaml", "# nothing\n");
        assertThat(Console.run("policy", "publish", empty.toString(), "--database", url, "--by", "a").err())
                .startsWith(empty + ": empty: nothing to publish");
        assertThat(Console.run("policy", "history", "--database", url).err())
                .as("nothing was stored: not even the tables").contains("holds no policy tables");
    }

    @Test
    void badArgumentsAndAnUnreachableDatabaseGetOneLine() throws Exception {
        Path ok = file("ok.yaml", POLICY.formatted("6.0.0602"));
        Console none = Console.run("policy", "publish", ok.toString());
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err().trim()).isEqualTo("policy publish: give --database URL or --config FILE (its policy-source database)");
        Console mysql = Console.run("policy", "history", "--database", "jdbc:mysql://db/x");
        assertThat(mysql.err().trim()).isEqualTo("policy history: --database: 'jdbc:mysql://db/x' is not a jdbc:postgresql: URL");
        Console down = Console.run("policy", "publish", ok.toString(), "--database",
                "jdbc:postgresql://127.0.0.1:1/x?user=u&password=secret", "--by", "a");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err().trim()).startsWith("policy publish: cannot use jdbc:postgresql://127.0.0.1:1/x: ")
                .doesNotContain("secret").doesNotContain("\n");
        Console unknown = Console.run("policy", "rollback", "9", "--database", url);
        assertThat(unknown.err().trim()).contains("holds no policy tables");
        Console.run("policy", "publish", ok.toString(), "--database", url, "--by", "a");
        assertThat(Console.run("policy", "rollback", "9", "--database", url).err().trim())
                .isEqualTo("policy rollback: no version 9 in " + PolicyDatabase.shown(url) + " (the latest is 1)");
        Console bad = Console.run("policy", "rollback", "x", "--database", url);
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err().trim()).startsWith("policy rollback: ").doesNotContain("\n");
        Console comment = Console.run("policy", "publish", ok.toString(), "--database", url, "--by", "a", "--comment", "a\u001b[31mred");
        assertThat(comment.err().trim()).isEqualTo("policy publish: --comment must be one line without control characters");
        assertThat(versions()).isEqualTo(1);
    }

    @Test
    void theDatabaseCanBeTakenFromAConfigurationFile() throws Exception {
        Path node = file("node.yaml", "policy-source:\n  from: database\n  database-url: \"" + url + "\"\n");
        Path ok = file("ok.yaml", POLICY.formatted("6.0.0602"));
        assertThat(Console.run("policy", "publish", ok.toString(), "--config", node.toString(), "--by", "a").exitCode()).isZero();
        assertThat(Console.run("policy", "history", "--config", node.toString()).out()).contains("      1  ");
        Path noUrl = file("nourl.yaml", "listen: 127.0.0.1:0\n");
        assertThat(Console.run("policy", "history", "--config", noUrl.toString()).err().trim())
                .isEqualTo("policy history: " + noUrl + ": policy-source.database-url is not set");
    }
}

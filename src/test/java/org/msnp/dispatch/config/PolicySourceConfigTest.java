package org.msnp.dispatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code policy-source} and {@code membership} keys, and which keys a published policy may hold. */
class PolicySourceConfigTest {

    static DispatchConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "node.yaml");
    }

    @Test
    void theDefaultIsTheFileAndACacheInTheCensusDataDirectory() throws Exception {
        DispatchConfig c = parse("census: {data-dir: /srv/msnp/data}\n");
        assertThat(c.policySource().fromDatabase()).isFalse();
        assertThat(c.policySource().pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.policySource().cachePath(c.census())).isEqualTo(Path.of("/srv/msnp/data/policy-cache.yaml"));
        assertThat(c.membership().enabled()).isTrue();
        assertThat(c.membership().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDatabaseSourceNeedsAPostgreSqlUrl() throws Exception {
        DispatchConfig c = parse("policy-source:\n  from: database\n  database-url: jdbc:postgresql://db/msnp\n"
                + "  password: secret\n  cache-file: /tmp/c.yaml\n");
        assertThat(c.policySource().fromDatabase()).isTrue();
        assertThat(c.policySource().cachePath(c.census())).isEqualTo(Path.of("/tmp/c.yaml"));
        assertThat(c.policySource().toString()).doesNotContain("secret");
        assertThatThrownBy(() -> parse("policy-source:\n  from: database\n")).isInstanceOf(ConfigException.class)
                .hasMessage("node.yaml:2: policy-source.from: from: database needs database-url (jdbc:postgresql://host/db)");
        assertThatThrownBy(() -> parse("policy-source:\n  from: database\n  database-url: jdbc:h2:mem:x\n"))
                .hasMessageStartingWith("node.yaml:3: policy-source.database-url: database-url must be a jdbc:postgresql: URL");
        assertThatThrownBy(() -> parse("policy-source:\n  from: etcd\n"))
                .hasMessage("node.yaml:2: policy-source.from: 'etcd' is not one of file, database");
        assertThatThrownBy(() -> parse("policy-source:\n  poll-interval: 10ms\n"))
                .hasMessage("node.yaml:2: policy-source.poll-interval: poll-interval must be 1s..1h, got 10ms");
        assertThatThrownBy(() -> parse("membership:\n  heartbeat-interval: 1h\n"))
                .hasMessage("node.yaml:2: membership.heartbeat-interval: heartbeat-interval must be 100ms..10m, got 1h");
    }

    @Test
    void aPublishedDocumentHoldsOnlyTheSharedKeys() throws Exception {
        String doc = "# policy\ndialects: MSNP8\nlimits:\n  max-connections: 5\nversion-policy: {unknown-clients: echo}\nlisten: 0.0.0.0:1863\n";
        assertThat(SharedKeys.localKeysIn(doc)).containsExactly(new SharedKeys.LocalKey("limits", 3),
                new SharedKeys.LocalKey("listen", 6));
        assertThatThrownBy(() -> SharedKeys.requireSharedOnly(doc, "p.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("p.yaml:3: limits: a node-local key cannot be published");
        SharedKeys.requireSharedOnly("dialects: MSNP8\nforeign-handles: []\nprotocol: {}\nnotification-servers: {targets: []}\n"
                + "version-policy: {}\n", "p.yaml");
        assertThat(SharedKeys.localKeysIn("")).isEmpty();
    }

    @Test
    void mergingTakesTheSharedKeysWholeAndTheRestFromTheNode() throws Exception {
        DispatchConfig node = parse("listen: 127.0.0.1:1999\npublic-address: 10.0.0.1:1863\ndialects: MSNP8\n"
                + "foreign-handles: ['*@example.com']\nlimits: {max-connections: 9}\n");
        DispatchConfig published = parse("notification-servers: {targets: [10.0.0.7:1863]}\n"
                + "version-policy: {unknown-clients: reject-420}\n");
        DispatchConfig merged = SharedKeys.merge(node, published);
        assertThat(merged.listen().port()).isEqualTo(1999);
        assertThat(merged.publicHostPort().orElseThrow().toString()).isEqualTo("10.0.0.1:1863");
        assertThat(merged.limits().maxConnections()).isEqualTo(9);
        assertThat(merged.notificationServers().targets()).hasSize(1);
        assertThat(merged.versionPolicy()).isEqualTo(published.versionPolicy());
        // left out of the published document: the default, not the node's value
        assertThat(merged.dialects()).isEqualTo(DispatchConfig.defaults().dialects());
        assertThat(merged.foreignHandles()).isEmpty();
    }
}

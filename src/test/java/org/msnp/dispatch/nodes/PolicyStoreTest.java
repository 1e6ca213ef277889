package org.msnp.dispatch.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The published versions, the notification, the cache file and the membership rows, on a real PostgreSQL. */
class PolicyStoreTest {
    private static TestPostgres postgres;
    private HikariDataSource pool;
    private PolicyStore store;

    @TempDir
    Path dir;

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
        pool = PolicyDatabase.pool(postgres.newDatabase(), Optional.empty(), Optional.empty());
        store = new PolicyStore(pool);
        store.migrate();
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void versionsAreNumberedInOrderAndKeptWithTheirText() throws Exception {
        assertThat(store.latest()).isEmpty();
        assertThat(store.latestVersion()).isEmpty();
        PolicyVersion one = store.publish("dialects: MSNP8\n", "alice", "first");
        PolicyVersion two = store.publish("dialects: MSNP9\n", "bob", "");
        assertThat(one.version()).isEqualTo(1);
        assertThat(two.version()).isEqualTo(2);
        assertThat(one.sha256()).isEqualTo(PolicyStore.sha256("dialects: MSNP8\n")).hasSize(64);
        assertThat(store.history()).extracting(PolicyVersion::version, PolicyVersion::publishedBy, PolicyVersion::comment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "alice", "first"),
                        org.assertj.core.groups.Tuple.tuple(2L, "bob", ""));
        assertThat(store.history().get(0).publishedAt()).isBeforeOrEqualTo(store.history().get(1).publishedAt());
        assertThat(store.latest().orElseThrow().config()).isEqualTo("dialects: MSNP9\n");
        assertThat(store.version(1).orElseThrow().config()).isEqualTo("dialects: MSNP8\n");
        assertThat(store.version(3)).isEmpty();
        assertThat(store.latestVersion()).hasValue(2);
    }

    @Test
    void publishersAtTheSameTimeEachGetTheirOwnNumber() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Callable<PolicyVersion>> jobs = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                jobs.add(() -> store.publish("dialects: MSNP" + (2 + n % 10) + "\n", "p" + n, ""));
            }
            List<Long> numbers = new java.util.ArrayList<>();
            for (Future<PolicyVersion> f : threads.invokeAll(jobs)) {
                numbers.add(f.get().version());
            }
            assertThat(numbers).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void aPublishNotifiesListenersWithItsVersion() throws Exception {
        try (Connection listener = pool.getConnection(); Statement s = listener.createStatement()) {
            s.execute("LISTEN " + PolicyStore.CHANNEL);
            store.publish("dialects: MSNP8\n", "alice", "");
            PGNotification[] notes = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertThat(notes).hasSize(1);
            assertThat(notes[0].getName()).isEqualTo(PolicyStore.CHANNEL);
            assertThat(notes[0].getParameter()).isEqualTo("1");
        }
    }

    @Test
    void whoAndWhyAreOneLineOfBoundedText() {
        assertThatThrownBy(() -> store.publish("dialects: MSNP8\n", "", "")).hasMessageContaining("--by must not be empty");
        assertThatThrownBy(() -> store.publish("dialects: MSNP8\n", "alice", "two\nlines")).hasMessageContaining("one line");
        assertThatThrownBy(() -> store.publish("dialects: MSNP8\n", "al\u202eice", "")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> store.publish("dialects: MSNP8\n", "a".repeat(65), "")).hasMessageContaining("longer than 64");
    }

    @Test
    void theCacheFileHoldsTheDocumentAndRefusesOneThatWasChanged() throws Exception {
        PolicyVersion v = store.publish("dialects: MSNP8\nforeign-handles: ['*@example.com']\n", "alice", "");
        PolicyCache cache = new PolicyCache(dir.resolve("sub/cache.yaml"));
        assertThatThrownBy(cache::read).isInstanceOf(PolicyCache.Missing.class);
        cache.write(store.latest().orElseThrow());
        PolicyDocument back = cache.read();
        assertThat(back.version().version()).isEqualTo(1);
        assertThat(back.version().sha256()).isEqualTo(v.sha256());
        assertThat(back.config()).isEqualTo("dialects: MSNP8\nforeign-handles: ['*@example.com']\n");
        // the file is a configuration itself
        assertThat(org.msnp.dispatch.config.ConfigLoader.load(cache.file()).foreignHandles()).containsExactly("*@example.com");
        try (var files = Files.list(dir.resolve("sub"))) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
        Files.writeString(cache.file(), Files.readString(cache.file()).replace("MSNP8", "MSNP9"));
        assertThatThrownBy(cache::read).isInstanceOf(PolicyCache.Unusable.class).hasMessageContaining("sha256");
        Files.writeString(cache.file(), "dialects: MSNP8\n");
        assertThatThrownBy(cache::read).isInstanceOf(PolicyCache.Unusable.class);
    }

    @Test
    void membershipShowsEachNodeWithItsVersionAndFlagsStaleAndBehindOnes() throws Exception {
        Membership membership = new Membership(pool);
        assertThat(membership.nodes()).isEmpty();
        store.publish("dialects: MSNP8\n", "alice", "");
        store.publish("dialects: MSNP9\n", "alice", "");
        Heartbeat current = new Heartbeat(pool, "test", "node-a", "10.0.0.1:1863", Duration.ofMillis(100),
                () -> new Heartbeat.Beat("database", OptionalLong.of(2)));
        Heartbeat old = new Heartbeat(pool, "test", "node-b", "10.0.0.2:1863", Duration.ofMillis(100),
                () -> new Heartbeat.Beat("cache-file", OptionalLong.of(1)));
        Heartbeat own = new Heartbeat(pool, "test", "node-c", "10.0.0.3:1863", Duration.ofSeconds(60),
                () -> new Heartbeat.Beat("file", OptionalLong.empty()));
        current.beat();
        old.beat();
        own.beat();
        List<Membership.Node> nodes = membership.nodes();
        assertThat(nodes).extracting(Membership.Node::name).containsExactly("node-a", "node-b", "node-c");
        Membership.Node a = nodes.get(0);
        assertThat(a.address()).isEqualTo("10.0.0.1:1863");
        assertThat(a.policySource()).isEqualTo("database");
        assertThat(a.policyVersion()).hasValue(2);
        assertThat(a.heartbeatInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(a.stale()).isFalse();
        assertThat(a.stopped()).isFalse();
        assertThat(a.behind()).isFalse();
        assertThat(a.lastSeen()).isAfterOrEqualTo(a.startedAt().minusSeconds(1));
        assertThat(nodes.get(1).behind()).as("runs version 1 of 2").isTrue();
        assertThat(nodes.get(2).behind()).as("follows its own file").isFalse();
        assertThat(nodes.get(2).policyVersion()).isEmpty();

        // node-a keeps beating; node-b stops gracefully; node-c (one beat a minute) is still fresh
        current.start();
        old.close();
        Thread.sleep(600);
        nodes = membership.nodes();
        assertThat(nodes.get(0).stale()).isFalse();
        assertThat(nodes.get(1).stopped()).isTrue();
        assertThat(nodes.get(1).stale()).as("no beat for more than 3 x 100ms").isTrue();
        assertThat(nodes.get(2).stale()).isFalse();
        current.close();
        own.close();
        assertThat(membership.nodes().get(0).stopped()).isTrue();
    }
}

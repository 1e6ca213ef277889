package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.cli.Main;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.nodes.TestPostgres;

/**
 * The policy and census database stopped for 30 s under a steady load: no handshake fails or
 * waits on it, the published policy stays, and the census catches up once it is back.
 */
class DatabaseAwayUnderLoadTest {
    @TempDir
    Path dir;

    record Login(long startedNanos, long tookNanos, boolean ok, String cvr) {
    }

    @Test
    void noHandshakeFailsOrWaitsWhileTheDatabaseIsAway() throws Exception {
        try (TestPostgres pg = TestPostgres.startIn(dir.resolve("pg"))) {
            String url = pg.url();
            Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                    notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                    version-policy:
                      rules:
                        - {library: MSNMSGR, recommended: 7.0.0813, minimum: 6.2.0205, download-url: "http://example.invalid/dl", info-url: "http://example.invalid/info"}
                    """);
            assertThat(Main.commandLine().execute("policy", "publish", policy.toString(), "--database", url)).isZero();
            Path node = Files.writeString(dir.resolve("node.yaml"), """
                    listen: 127.0.0.1:0
                    admin: {listen: 127.0.0.1:0}
                    public-address: 10.0.0.1:1863
                    limits: {close-wait: 200ms}
                    census: {database-url: "%s", node: node-a}
                    policy-source: {from: database, database-url: "%s", cache-file: "%s"}
                    """.formatted(url, url, dir.resolve("cache.yaml")));
            Application app = Application.start(ConfigLoader.load(node), java.util.Optional.of(node), r -> { });
            List<Login> logins = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Thread t = new Thread(() -> {
                        while (running.get()) {
                            long t0 = System.nanoTime();
                            try {
                                List<String> lines = Wire.msnp8Login(app.tcpAddress(), null);
                                boolean ok = lines.size() == 3 && lines.get(2).startsWith("XFR 3 NS 10.0.0.5:1863");
                                logins.add(new Login(t0, System.nanoTime() - t0, ok, lines.size() > 1 ? lines.get(1) : String.valueOf(lines)));
                            } catch (Exception e) {
                                logins.add(new Login(t0, System.nanoTime() - t0, false, e.toString()));
                            }
                        }
                    });
                    t.start();
                    clients.add(t);
                }
                Thread.sleep(3000);
                long stopped = System.nanoTime();
                pg.stop();
                Thread.sleep(30_000);
                long back = System.nanoTime();
                pg.restart();
                Thread.sleep(3000);
                running.set(false);
                for (Thread t : clients) {
                    t.join(10_000);
                }
                List<Login> away = logins.stream().filter(l -> l.startedNanos() > stopped && l.startedNanos() < back).toList();
                assertThat(away).as("logins while the database was away").hasSizeGreaterThan(100);
                assertThat(logins).as("no login failed").allMatch(Login::ok);
                assertThat(logins).as("the published policy stays").extracting(Login::cvr)
                        .containsOnly("CVR 2 7.0.0813 7.0.0813 6.2.0205 http://example.invalid/dl http://example.invalid/info");
                long[] tookAway = away.stream().mapToLong(Login::tookNanos).sorted().toArray();
                long[] tookUp = logins.stream().filter(l -> l.startedNanos() < stopped).mapToLong(Login::tookNanos).sorted().toArray();
                // not a timing benchmark: a login that waited on the database would take seconds (its
                // connection timeouts); the figures are printed for the record
                System.out.printf("logins: up p99 %.1f ms, away p99 %.1f ms, away max %.1f ms, %d logins%n",
                        tookUp[(int) (tookUp.length * 0.99)] / 1e6, tookAway[(int) (tookAway.length * 0.99)] / 1e6,
                        tookAway[tookAway.length - 1] / 1e6, logins.size());
                assertThat(tookAway[tookAway.length - 1]).as("slowest login while away, ns").isLessThan(1_000_000_000L);

                // the census catches up: every login counted once the database is back
                long completed = logins.size();
                long counted = 0;
                for (int i = 0; i < 200 && counted != completed; i++) {
                    app.census().orElseThrow().flush();
                    counted = censusTotal(url);
                    Thread.sleep(100);
                }
                assertThat(counted).as("census total after the database came back").isEqualTo(completed);
            } finally {
                running.set(false);
                app.stopNow();
            }
        }
    }

    static long censusTotal(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COALESCE(SUM(conversations), 0) FROM census_hourly WHERE outcome = 'xfr'")) {
            r.next();
            return r.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }
}

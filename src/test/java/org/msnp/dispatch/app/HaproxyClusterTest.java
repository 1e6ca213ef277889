package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.nodes.PolicyDatabase;
import org.msnp.dispatch.nodes.PolicyStore;
import org.msnp.dispatch.nodes.TestPostgres;

/**
 * Several {@code serve} processes behind a real HAProxy (TCP mode, PROXY v2, health checks on
 * {@code /health}), one policy and one census in a real PostgreSQL, under a steady load of MSNP8
 * logins through the balancer: a publish reaches every node within two seconds, an invalid one
 * changes nothing, a node killed outright costs only the handshakes it held at that moment, a node
 * stopped with SIGTERM while another joins costs none, and the census counts exactly what the
 * clients completed. HAProxy missing fails the test: it is never skipped.
 */
class HaproxyClusterTest {
    private static final int CONCURRENCY = 3;
    private static final Duration PICKED_UP = Duration.ofSeconds(2);
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final Pattern XFR = Pattern.compile("XFR 3 NS 10\\.0\\.0\\.5:1863 0 10\\.0\\.1\\.(\\d):1863");
    static final String POLICY = org.msnp.dispatch.nodes.TestPostgres.POLICY;

    @TempDir
    Path dir;
    TestPostgres postgres;
    Process haproxy;
    Path haproxySocket;
    final List<ServeProcess> nodes = new ArrayList<>();
    final Load load = new Load();

    @AfterEach
    void stopEverything() throws Exception {
        load.stop();
        for (ServeProcess n : nodes) {
            n.close();
        }
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static String haproxyBinary() {
        for (String d : Optional.ofNullable(System.getenv("PATH")).orElse("").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "haproxy"))) {
                return Path.of(d, "haproxy").toString();
            }
        }
        for (String p : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return fail("haproxy is not installed (this test runs a real one in front of the nodes): "
                + "apt-get install haproxy, as .ci/run does");
    }

    @Test
    void nodesBehindHaproxyShareOnePolicyAndOneCensusAndLeaveWithoutLosingClients() throws Exception {
        String binary = haproxyBinary();
        postgres = TestPostgres.start();
        String url = postgres.newDatabase();
        publish(url, "6.0.0268");

        ServeProcess a = startNode("a", url);
        ServeProcess b = startNode("b", url);
        Ports pa = ports(a);
        Ports pb = ports(b);

        int front;
        try (ServerSocket s = new ServerSocket(0)) {
            front = s.getLocalPort();
        }
        haproxySocket = dir.resolve("haproxy.sock");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, """
                global
                    stats socket %s level admin
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                    timeout check 1s
                    retries 3
                    option redispatch 1
                frontend msnp
                    bind 127.0.0.1:%d
                    default_backend dispatch
                backend dispatch
                    balance roundrobin
                    option httpchk GET /health
                    default-server send-proxy-v2 inter 200ms fall 2 rise 2
                    server a 127.0.0.1:%d check port %d
                    server b 127.0.0.1:%d check port %d
                    server c 127.0.0.1:1 check port 1 disabled
                """.formatted(haproxySocket, front, pa.tcp, pa.admin, pb.tcp, pb.admin));
        haproxy = new ProcessBuilder(binary, "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        awaitServer("a", "UP");
        awaitServer("b", "UP");

        // steady load through the balancer, both nodes answering version 1
        load.start(new InetSocketAddress("127.0.0.1", front));
        awaitResults(r -> r.ok() && r.node.equals("a"), 20);
        awaitResults(r -> r.ok() && r.node.equals("b"), 20);
        assertThat(load.results).filteredOn(r -> !r.ok()).as("no failure before anything happens").isEmpty();
        assertThat(load.results).allSatisfy(r -> assertThat(r.cvr).isEqualTo(cvrWith("6.0.0268")));

        // a new minimum, published once: every handshake begun two seconds later gets it, on both nodes
        publish(url, "6.0.0602");
        long published = System.nanoTime();
        long settled = published + PICKED_UP.toNanos();
        awaitResults(r -> r.ok() && r.node.equals("a") && r.started > settled, 10);
        awaitResults(r -> r.ok() && r.node.equals("b") && r.started > settled, 10);
        assertThat(load.results).filteredOn(r -> r.ok() && r.started > settled)
                .as("answers to handshakes begun 2 s after the publish").allSatisfy(r -> assertThat(r.cvr).isEqualTo(cvrWith("6.0.0602")));
        assertThat(load.results).filteredOn(r -> !r.ok()).isEmpty();

        // an invalid document is refused with its file and line, and changes nothing
        Path bad = Files.writeString(dir.resolve("bad.yaml"), POLICY.formatted("9.0.0000"));
        String[] refused = PolicyFromDatabaseTest.cli("policy", "publish", bad.toString(), "--database", url, "--by", "test");
        assertThat(refused[0]).isEqualTo("1");
        assertThat(refused[1].trim()).startsWith(bad + ":7: version-policy.rules[0].minimum:").doesNotContain("\n");
        assertThat(new PolicyStore(PolicyDatabase.simple(url, Optional.empty(), Optional.empty())).history()).hasSize(2);
        long refusedAt = System.nanoTime();
        awaitResults(r -> r.ok() && r.node.equals("a") && r.started > refusedAt + PICKED_UP.toNanos(), 10);
        awaitResults(r -> r.ok() && r.node.equals("b") && r.started > refusedAt + PICKED_UP.toNanos(), 10);
        assertThat(load.results).filteredOn(r -> r.ok() && r.started > settled)
                .allSatisfy(r -> assertThat(r.cvr).isEqualTo(cvrWith("6.0.0602")));
        assertThat(load.results).filteredOn(r -> !r.ok()).isEmpty();

        // node a killed outright: only what it held at that moment fails
        a.close();
        assertThat(processOf(a).waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();
        awaitServer("a", "DOWN");
        long markedDown = System.nanoTime();
        awaitResults(r -> r.ok() && r.started > markedDown + TimeUnit.SECONDS.toNanos(2), 10);
        List<Result> failed = load.results.stream().filter(r -> !r.ok()).toList();
        assertThat(failed).as("failures after SIGKILL").hasSizeLessThanOrEqualTo(CONCURRENCY)
                .allSatisfy(r -> assertThat(r.started).as("a failed handshake had begun before the kill: %s", r.error).isLessThan(killed));

        // node c joins; then node b gets SIGTERM: it drains, HAProxy moves its clients, none fails
        ServeProcess c = startNode("c", url);
        Ports pc = ports(c);
        // (HAProxy answers these with a line of what it changed, or why not: the state it reaches tells)
        String changes = admin("set server dispatch/c addr 127.0.0.1 port " + pc.tcp)
                + admin("set server dispatch/c check-port " + pc.admin) + admin("set server dispatch/c state ready");
        assertThat(admin("show servers state dispatch")).as(changes).contains(" c 127.0.0.1 ").contains(" " + pc.tcp + " ");
        awaitServer("c", "UP");
        long cUp = System.nanoTime();
        awaitResults(r -> r.ok() && r.node.equals("c") && r.started > cUp, 20);
        // the dashboard's membership, from the heartbeats: a silent (killed), b and c running version 2
        String members = "";
        for (int i = 0; i < 100 && !(members.contains("\"name\":\"node-a\"") && members.matches("(?s).*\"name\":\"node-a\"[^}]*\"stale\":true.*")); i++) {
            members = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + pc.admin + "/api/nodes")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            Thread.sleep(100);
        }
        assertThat(members).matches("(?s).*\"name\":\"node-a\"[^}]*\"stale\":true.*")
                .matches("(?s).*\"name\":\"node-b\"[^}]*\"stale\":false.*")
                .matches("(?s).*\"name\":\"node-c\"[^}]*\"policyVersion\":2[^}]*\"stale\":false.*");
        b.signal("TERM");
        b.await("draining: /health answers 503");
        awaitServer("b", "DOWN");
        assertThat(b.exitCode()).isZero();
        long bGone = System.nanoTime();
        awaitResults(r -> r.ok() && r.started > bGone + TimeUnit.SECONDS.toNanos(1), 10);
        load.stop();
        assertThat(load.results).filteredOn(r -> !r.ok() && r.started > killed)
                .as("failures after the kill (b drained and stopped, c joined)").isEmpty();
        assertThat(load.results).filteredOn(r -> r.ok() && r.node.equals("b") && r.started > bGone).isEmpty();
        assertThat(load.results).filteredOn(r -> r.ok() && r.started > settled)
                .allSatisfy(r -> assertThat(r.cvr).isEqualTo(cvrWith("6.0.0602")));
        c.signal("TERM");
        assertThat(c.exitCode()).isZero();

        // the census: b and c stopped gracefully and wrote every conversation; a lost at most its last flush
        Map<String, Long> census = census(url);
        Map<String, Long> completed = load.results.stream().filter(Result::ok)
                .collect(Collectors.groupingBy(r -> r.node, Collectors.counting()));
        assertThat(census.get("node-b")).as("census of node b").isEqualTo(completed.get("b"));
        assertThat(census.get("node-c")).as("census of node c").isEqualTo(completed.get("c"));
        long aBeforeLastFlush = load.results.stream()
                .filter(r -> r.ok() && r.node.equals("a") && r.ended < killed - Duration.ofSeconds(3).toNanos()).count();
        assertThat(census.get("node-a")).as("census of the killed node a: all but its last second")
                .isBetween(aBeforeLastFlush, completed.get("a"));
    }

    // ----------------------------------------------------------------------------------------

    record Ports(int tcp, int admin) { }

    static Ports ports(ServeProcess node) throws InterruptedException {
        return new Ports(node.listening().getPort(), node.admin().getPort());
    }

    ServeProcess startNode(String name, String url) throws IOException {
        Path file = dir.resolve("node-" + name + ".yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                public-address: 10.0.1.%d:1863
                proxy-protocol: true
                proxy-protocol-trusted: [127.0.0.1/32]
                admin: {listen: 127.0.0.1:0}
                census: {database-url: "%s", node: node-%s}
                policy-source: {from: database, database-url: "%s", cache-file: "%s"}
                limits: {shutdown-drain: %ds}
                membership: {heartbeat-interval: 200ms}
                """.formatted(name.charAt(0) - 'a' + 1, url, name, url, dir.resolve(name + "-cache.yaml"), DRAIN.toSeconds()));
        ServeProcess p = ServeProcess.start(file);
        nodes.add(p);
        return p;
    }

    static Process processOf(ServeProcess p) {
        return p.process();
    }

    static String cvrWith(String minimum) {
        return PolicyFromDatabaseTest.cvrWith(minimum);
    }

    void publish(String url, String minimum) throws IOException {
        Path doc = Files.writeString(dir.resolve("policy-" + minimum + ".yaml"), POLICY.formatted(minimum));
        String[] r = PolicyFromDatabaseTest.cli("policy", "publish", doc.toString(), "--database", url, "--by", "test");
        assertThat(r[1]).isEmpty();
        assertThat(r[0]).isEqualTo("0");
    }

    static Map<String, Long> census(String url) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT node, SUM(conversations) FROM census_hourly GROUP BY node")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Waits (up to 30 s) until {@code count} results match. */
    void awaitResults(Predicate<Result> match, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (load.results.stream().filter(match).count() < count) {
            if (System.nanoTime() > deadline) {
                fail("the load did not see " + count + " such handshakes within 30 s; last results: "
                        + load.results.stream().skip(Math.max(0, load.results.size() - 10)).toList() + "\nHAProxy: " + stat());
            }
            Thread.sleep(20);
        }
    }

    /** Waits (up to 30 s) until HAProxy shows {@code server} in {@code status}. */
    void awaitServer(String server, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String seen;
        while (!(seen = status(server)).equals(status)) {
            if (System.nanoTime() > deadline) {
                fail("HAProxy shows server " + server + " " + seen + ", not " + status + ", after 30 s:\n" + stat()
                        + "\nits log:\n" + Files.readString(dir.resolve("haproxy.log")));
            }
            Thread.sleep(20);
        }
    }

    String status(String server) {
        String csv = stat();
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return "unknown (" + csv.strip() + ")";
        }
        List<String> header = List.of(lines.get(0).substring(2).split(","));
        int statusColumn = header.indexOf("status");
        for (String l : lines) {
            String[] f = l.split(",", -1);
            if (f.length > statusColumn && f[0].equals("dispatch") && f[1].equals(server)) {
                // "UP", "DOWN", "MAINT", or a transition such as "UP 1/2"
                return f[statusColumn];
            }
        }
        return "absent";
    }

    String stat() {
        try {
            return admin("show stat");
        } catch (IOException e) {
            return "no answer on the stats socket: " + e;
        }
    }

    /** One command on HAProxy's runtime API (its stats socket); the answer. */
    String admin(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(haproxySocket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }

    /** One MSNP8 login: when it began and ended, the node that answered (from the XFR), the CVR line, or what went wrong. */
    record Result(long started, long ended, String node, String cvr, String error) {
        boolean ok() {
            return error == null;
        }
    }

    /**
     * Clients logging in through the balancer without pause: each sends VER, CVR and USR at once
     * (pipelined), reads the three replies and closes after the XFR, as real clients do.
     */
    static final class Load {
        final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running;

        void start(InetSocketAddress front) {
            running = true;
            for (int i = 0; i < CONCURRENCY; i++) {
                Thread t = new Thread(() -> {
                    while (running) {
                        results.add(login(front));
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(20_000);
            }
            threads.clear();
        }

        static Result login(InetSocketAddress front) {
            long started = System.nanoTime();
            List<String> lines = new ArrayList<>();
            try (Socket s = new Socket()) {
                s.connect(front, 5000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com\r\n"
                        + "USR 3 TWN I example@hotmail.com\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                for (String l; lines.size() < 3 && (l = readLine(in)) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                return new Result(started, System.nanoTime(), null, null, e + " after " + lines);
            }
            long ended = System.nanoTime();
            if (lines.size() < 3 || !lines.get(0).equals("VER 1 MSNP8 CVR0") || !lines.get(1).startsWith("CVR 2 ")) {
                return new Result(started, ended, null, null, "replies " + lines);
            }
            Matcher m = XFR.matcher(lines.get(2));
            if (!m.matches()) {
                return new Result(started, ended, null, null, "replies " + lines);
            }
            return new Result(started, ended, Character.toString('a' + Integer.parseInt(m.group(1)) - 1), lines.get(1), null);
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.US_ASCII);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            return null;
        }
    }
}

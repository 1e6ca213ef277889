package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} under a low open-file limit ({@code ulimit -n 256}) that clients then use up, so
 * that the process really gets EMFILE ("Too many open files"): it warns at start, and while out
 * of descriptors it logs the failed accepts in one line with a count, keeps the Notification
 * Server healthy (its own check socket failing says nothing about the NS), and neither reloads
 * nor reports a failed reload for a configuration file it cannot open. Once the clients leave it
 * serves again, referring to the NS.
 */
class OutOfFilesProcessTest {
    static final int OPEN_FILES = 256;

    @TempDir
    Path dir;

    @Test
    void outOfFileDescriptorsIsSaidOnceAndTakenForNothingElse() throws Exception {
        try (FakeNs ns = new FakeNs()) {
            Path file = dir.resolve("dispatch.yaml");
            Files.writeString(file, """
                    listen: 127.0.0.1:0
                    admin: {listen: 127.0.0.1:0}
                    public-address: 10.0.0.1:1863
                    notification-servers:
                      targets: [%s]
                      health-check: {interval: 200ms, timeout: 2s, rise: 1000, fall: 1}
                    limits: {max-connections: 10000, max-connections-per-ip: 10000, login-timeout: 60s}
                    """.formatted(ns.address()));
            List<Socket> clients = new ArrayList<>();
            long outOfFiles;
            Path classes = dir.resolve("classes.txt");
            Set<String> loadedAtStart;
            try (ServeProcess serve = ServeProcess.start(file, Optional.of(OPEN_FILES),
                    List.of("-Xlog:class+load=info:file=" + classes))) {
                InetSocketAddress address = serve.listening();
                InetSocketAddress admin = serve.admin();
                assertThat(serve.await("open-file limit")).contains(Integer.toString(OPEN_FILES))
                        .contains("limits.max-connections 10000");
                loadedAtStart = serverClasses(classes);
                String referral = "XFR 3 NS " + ns.address() + " 0 10.0.0.1:1863";
                assertThat(Wire.msnp8Login(address, null)).last().isEqualTo(referral);

                try {
                    for (int i = 0; i < 2 * OPEN_FILES; i++) {
                        // the kernel completes the connect whether or not the server can accept it
                        Socket s = new Socket();
                        s.connect(address, 10_000);
                        clients.add(s);
                    }
                    String accept = serve.await("cannot accept connections");
                    outOfFiles = System.nanoTime();
                    assertThat(accept).contains("WARN").contains("tcp listener").contains("Too many open files").containsPattern("\\(\\d+ failed accept");
                    assertThat(serve.await("health checks not run")).contains("Too many open files");
                    assertThat(serve.await("configuration watch: cannot read")).contains(file.toString())
                            .contains("Too many open files");
                } finally {
                    for (Socket s : clients) {
                        s.close();
                    }
                }
                List<String> replies = List.of();
                for (int i = 0; i < 40 && !(replies.size() == 3 && replies.get(2).startsWith("XFR")); i++) {
                    try {
                        replies = Wire.msnp8Login(address, null);
                    } catch (java.io.IOException e) {
                        replies = List.of(e.toString());
                        Thread.sleep(250);
                    }
                    assertThat(replies).as("the NS was never down").noneMatch(l -> l.startsWith("600"));
                }
                assertThat(replies).last().isEqualTo(referral);
                long tenSecondSpells = 1 + (System.nanoTime() - outOfFiles) / 10_000_000_000L;

                String metrics = scrape(admin);
                assertThat(count(metrics, "msnp_connections_refused_total{reason=\"out-of-files\",transport=\"tcp\"}"))
                        .isPositive();
                assertThat(count(metrics, "msnp_config_reloads_total{result=\"failed\"}")).isZero();
                assertThat(count(metrics, "msnp_ns_healthy{target=\"" + ns.address() + "\"}")).isEqualTo(1.0);
                assertThat(serve.lines()).as("one line per 10 s, not one per failed accept")
                        .filteredOn(l -> l.contains("cannot accept connections")).hasSizeLessThanOrEqualTo((int) tenSecondSpells + 1);
                assertThat(serve.lines()).noneMatch(l -> l.contains("configuration not reloaded"));
                assertThat(serve.lines()).noneMatch(l -> l.contains("reached at the tail of the pipeline"));

                serve.signal("TERM");
                assertThat(serve.exitCode()).isZero();
                assertThat(serve.lines()).as("nothing failed to load, nothing left unwritten")
                        .noneMatch(l -> l.contains("NoClassDefFoundError") || l.contains("Exception in thread")
                                || l.contains("not written"));
            }
            // A class of the server read from a directory needs a descriptor of its own; one that cannot be
            // read when it is first needed stays unloadable for the life of the process (JVMS 5.4.3), so
            // whatever a running server needs later is loaded before it says it has started.
            Set<String> later = new TreeSet<>(serverClasses(classes));
            later.removeAll(loadedAtStart);
            assertThat(later).as("server classes first loaded after the start").isEmpty();
        }
    }

    /** The server's own classes (not lambdas, which are made in memory) in a -Xlog:class+load file. */
    static Set<String> serverClasses(Path log) throws java.io.IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile(" (org\\.msnp\\.dispatch\\.\\S+) source: ").matcher(Files.readString(log));
        while (m.find()) {
            if (!m.group(1).contains("$$Lambda")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static String scrape(InetSocketAddress admin) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }

    static double count(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

package org.msnp.dispatch.cli;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.msnp.dispatch.conformance.Runner;
import org.msnp.dispatch.conformance.SocketPeer;
import org.msnp.dispatch.conformance.VectorConfig;
import org.msnp.dispatch.conformance.Vectors;
import org.msnp.dispatch.protocol.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Replays conformance transcripts against any running dispatch server. A block whose
 * {@code @config} asks for something the target is not known to have (the DEFAULTS of
 * vectors.txt, changed with {@code --assume}) is skipped.
 */
@Command(name = "probe", description = "Replay vectors.txt transcripts against a running dispatch server.")
final class ProbeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "HOST:PORT", description = "the dispatch server to probe")
    String target;

    @Option(names = "--vectors", paramLabel = "FILE", description = "transcripts to replay (default: the shipped vectors.txt)")
    Path vectors;

    @Option(names = "--assume", paramLabel = "KEY=VALUE",
            description = "what the target is configured as, in vectors.txt's vocabulary (repeatable), e.g. ns=10.0.0.5:1863")
    Map<String, String> assume = new LinkedHashMap<>();

    @Option(names = "--only", paramLabel = "ID", split = ",", description = "run only these blocks")
    Set<String> only = Set.of();

    @Option(names = "--quiet-wait", paramLabel = "MS", description = "how long silence must last for S- (default: ${DEFAULT-VALUE})")
    long quietMillis = 2000;

    @Option(names = "--timeout", paramLabel = "MS", description = "how long to wait for an expected line or a close (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 5000;

    @Override
    public Integer call() throws Exception {
        HostPort hp;
        try {
            hp = HostPort.parse(target);
        } catch (IllegalArgumentException e) {
            System.err.println("probe: " + e.getMessage());
            return 2;
        }
        List<Vectors.Block> blocks;
        if (vectors != null) {
            blocks = Vectors.read(vectors);
        } else {
            try (InputStream in = ProbeCommand.class.getClassLoader().getResourceAsStream("msnp/vectors.txt")) {
                blocks = Vectors.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "vectors.txt");
            }
        }
        Map<String, String> targetConfig = VectorConfig.effective(assume);
        Runner.Timing timing = new Runner.Timing(Duration.ofMillis(timeoutMillis), Duration.ofMillis(quietMillis),
                Duration.ofMillis(Math.min(quietMillis, 500)), Duration.ofMillis(timeoutMillis));
        InetSocketAddress address = new InetSocketAddress(hp.host(), hp.port());
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (Vectors.Block b : blocks) {
            if (!only.isEmpty() && !only.contains(b.id())) {
                continue;
            }
            List<String> missing = new ArrayList<>();
            Map<String, String> needed = new LinkedHashMap<>(b.config());
            VectorConfig.effective(b.config()).forEach(needed::putIfAbsent);
            needed.forEach((k, v) -> {
                if (!v.equals(targetConfig.get(k)) && VectorConfig.relies(b, k)) {
                    missing.add(k + "=" + v);
                }
            });
            Runner.Result r;
            if (!missing.isEmpty()) {
                r = Runner.skip(b, "needs " + String.join(" ", missing));
            } else {
                try (SocketPeer peer = new SocketPeer(address, Duration.ofMillis(timeoutMillis))) {
                    r = Runner.run(b, peer, timing, Runner.ANY);
                } catch (java.io.IOException e) {
                    r = new Runner.Result(b, Runner.Status.FAIL, "cannot connect: " + e.getMessage(), List.of());
                }
            }
            switch (r.status()) {
                case PASS -> passed++;
                case FAIL -> failed++;
                case SKIP -> skipped++;
            }
            System.out.println(r.line());
        }
        System.out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
        return failed == 0 ? 0 : 1;
    }
}

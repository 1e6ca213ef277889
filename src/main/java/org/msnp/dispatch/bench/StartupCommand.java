package org.msnp.dispatch.bench;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench startup}: time from starting {@code serve} as a new process to its first complete handshake. */
@Command(name = "startup", sortOptions = false, mixinStandardHelpOptions = true,
        description = "Start `serve` as a new process and time its first complete handshake.")
final class StartupCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs", paramLabel = "N", description = "processes started one after another (default: ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(names = "--java-opts", paramLabel = "OPTS", description = "JVM options of the started process")
    String javaOpts = "";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (runs < 1) {
            spec.commandLine().getErr().println("bench startup: --runs must be positive");
            return 2;
        }
        out.println(Machine.header());
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int port = Machine.freePort();
        Path config = Files.createTempFile("msnp-bench-startup-", ".yaml");
        try {
            Files.writeString(config, KnownConfig.yaml("127.0.0.1:" + port, "60s"));
            List<String> cmd = new ArrayList<>();
            cmd.add(Machine.javaExecutable());
            if (!javaOpts.isBlank()) {
                cmd.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Machine.MAIN, "serve", "-c", config.toString()));
            out.println("startup: " + String.join(" ", cmd));
            long[] times = new long[runs];
            for (int i = 0; i < runs; i++) {
                times[i] = StartupProbe.measure(cmd, new InetSocketAddress(loopback, port), Mix.MSNP8, Duration.ofSeconds(30));
                out.printf(Locale.ROOT, "startup: run %d: first complete handshake %.0f ms after the process started%n",
                        i + 1, times[i] / 1e6);
                out.flush();
            }
            long[] sorted = times.clone();
            Arrays.sort(sorted);
            out.printf(Locale.ROOT, "startup: min %.0f ms, median %.0f ms, max %.0f ms%n", sorted[0] / 1e6,
                    sorted[sorted.length / 2] / 1e6, sorted[sorted.length - 1] / 1e6);
            return 0;
        } finally {
            Files.deleteIfExists(config);
        }
    }
}

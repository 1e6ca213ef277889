package org.msnp.dispatch.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.msnp.dispatch.protocol.HostPort;

/**
 * The servers a {@code bench targets} run starts as processes of their own: the C server
 * (compiled here from its source), the Netty ceiling ({@code bench ceiling-server}) and
 * {@code serve} of any jar with the {@link KnownConfig} on a free port. Their standard output (the
 * connection log) goes to /dev/null, their standard error to a file that is shown if they fail to
 * start. All are stopped on {@link #close()}, and if the bench itself is stopped.
 */
final class ServerProcesses implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final List<Process> processes = new ArrayList<>();
    private final List<Path> temporary = new ArrayList<>();
    private final Thread hook = new Thread(this::kill, "bench-stop-servers");

    ServerProcesses() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Compiles the C server with {@code cc -O2 -pthread} and starts it on a free port of 127.0.0.1.
     * It answers every connection with the MSNP8 handshake (VER, CVR, XFR) and closes after the
     * third reply; its replies can only be checked by shape.
     */
    TargetSpec startC(String name, Path source, int threads) throws IOException, InterruptedException {
        return startC(name, source, threads, "--start-c-ceiling", "--c-ceiling-source");
    }

    /** The same, for the option {@code option} whose source is given with {@code sourceOption} (for messages). */
    TargetSpec startC(String name, Path source, int threads, String option, String sourceOption)
            throws IOException, InterruptedException {
        Path cc = onPath("cc").orElseThrow(() -> new IOException(
                option + " needs a C compiler, and there is no 'cc' on the PATH"));
        if (!Files.isReadable(source)) {
            throw new IOException(option + ": no C source at " + source.toAbsolutePath().normalize()
                    + " (give it with " + sourceOption + ")");
        }
        Path dir = Files.createTempDirectory("msnp-bench-cceiling-");
        temporary.add(dir);
        Path exe = dir.resolve("cceiling");
        Process compile = new ProcessBuilder(cc.toString(), "-O2", "-pthread", "-o", exe.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!compile.waitFor(120, TimeUnit.SECONDS) || compile.exitValue() != 0) {
            compile.destroyForcibly();
            throw new IOException(option + ": cc -O2 -pthread " + source + " failed: " + output);
        }
        int port = Machine.freePort();
        Process p = start(name, List.of(exe.toString(), Integer.toString(port), Integer.toString(threads)), dir);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        awaitListening(name, p, a, dir.resolve("stderr"));
        return new TargetSpec(name, a, OptionalLong.of(p.pid()), false,
                "C epoll server " + source.getFileName() + ", " + threads + " threads, pid " + p.pid());
    }

    /** Starts {@code bench ceiling-server} of this bench's own classes as a new JVM. */
    TargetSpec startNettyCeiling(String name, List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Machine.javaExecutable());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Machine.MAIN, "bench", "ceiling-server",
                "--host", "127.0.0.1", "--port", "0",
                "--until-input-ends"));
        Path dir = Files.createTempDirectory("msnp-bench-ceiling-");
        temporary.add(dir);
        Path err = dir.resolve("stderr");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        processes.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = readLineWithin(r, p);
        if (line == null || !line.startsWith(CeilingServerCommand.READY)) {
            throw new IOException(name + ": the ceiling server did not start (" + line + ")" + errorTail(err));
        }
        String where = line.substring(CeilingServerCommand.READY.length()).split(",")[0];
        HostPort hp = HostPort.parse(where);
        return new TargetSpec(name, new InetSocketAddress(hp.host(), hp.port()), OptionalLong.of(p.pid()), true,
                "Netty ceiling (bench ceiling-server) in a JVM of its own" + options(jvmOptions) + ", pid " + p.pid());
    }

    /**
     * Starts {@code java OPTIONS -jar JAR serve -c CONFIG} with the {@link KnownConfig} on a free
     * port; its replies are then known byte for byte.
     */
    TargetSpec startJar(String name, Path jar, List<String> jvmOptions) throws IOException, InterruptedException {
        return startJar(name, jar, jvmOptions, "60s", false);
    }

    /**
     * The same with the server's {@code limits.idle-timeout} (long when idle connections are held
     * beside the load), and with {@code proxy-protocol: true} when {@code proxyProtocol}.
     */
    TargetSpec startJar(String name, Path jar, List<String> jvmOptions, String idleTimeout, boolean proxyProtocol)
            throws IOException, InterruptedException {
        if (!Files.isReadable(jar)) {
            throw new IOException("--start-jar " + name + ": no jar at " + jar.toAbsolutePath().normalize());
        }
        Path dir = Files.createTempDirectory("msnp-bench-jar-");
        temporary.add(dir);
        int port = Machine.freePort();
        Path config = dir.resolve("dispatch.yaml");
        Files.writeString(config, KnownConfig.yaml("127.0.0.1:" + port, idleTimeout)
                + (proxyProtocol ? "proxy-protocol: true\n" : ""));
        List<String> cmd = new ArrayList<>();
        cmd.add(Machine.javaExecutable());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "serve", "-c", config.toString()));
        Process p = start(name, cmd, dir);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        awaitListening(name, p, a, dir.resolve("stderr"));
        return new TargetSpec(name, a, OptionalLong.of(p.pid()), true,
                "java" + options(jvmOptions) + " -jar " + jar + " serve, known configuration"
                        + (proxyProtocol ? " with proxy-protocol: true" : "") + ", connection log to /dev/null, pid "
                        + p.pid());
    }

    private Process start(String name, List<String> cmd, Path dir) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("stderr").toFile()).start();
        processes.add(p);
        return p;
    }

    private static String options(List<String> jvmOptions) {
        return jvmOptions.isEmpty() ? "" : " " + String.join(" ", jvmOptions);
    }

    /** Splits {@code NAME[:REST]} at the first colon. */
    static String[] nameAndRest(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? new String[] {spec, ""} : new String[] {spec.substring(0, colon), spec.substring(colon + 1)};
    }

    static List<String> jvmOptions(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    private static void awaitListening(String name, Process p, InetSocketAddress a, Path err)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < START_TIMEOUT_NANOS) {
            if (!p.isAlive()) {
                throw new IOException(name + ": the server process exited with status " + p.exitValue()
                        + " before it listened on " + HostPort.of(a) + errorTail(err));
            }
            try (Socket s = new Socket()) {
                s.connect(a, 200);
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IOException(name + ": nothing listens on " + HostPort.of(a) + " after 60 s" + errorTail(err));
    }

    private static String readLineWithin(BufferedReader r, Process p) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < START_TIMEOUT_NANOS) {
            if (r.ready()) {
                return r.readLine();
            }
            if (!p.isAlive()) {
                return r.ready() ? r.readLine() : null;
            }
            Thread.sleep(20);
        }
        return null;
    }

    private static String errorTail(Path err) {
        try {
            List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : "; its standard error ends: "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    static java.util.Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return java.util.Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
                .filter(Files::isExecutable).findFirst();
    }

    /**
     * Holds {@code k} connections after VER to {@code t} from a child process of its own (its own
     * open-file limit), until this is closed; returns the child's report ({@code held K failed F in S s}).
     */
    String holdIdle(TargetSpec t, int k, boolean proxyHeader) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Machine.javaExecutable(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), Machine.MAIN, "bench", "idle-client",
                t.address().getAddress().getHostAddress() + ":" + t.address().getPort(), "-k", Integer.toString(k),
                "--sources", "32", "--parallel", "256"));
        if (proxyHeader) {
            cmd.add("--proxy-header");
        }
        Path dir = Files.createTempDirectory("msnp-bench-idle-");
        temporary.add(dir);
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr").toFile()).start();
        processes.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("held ")) {
            throw new IOException(t.name() + ": the idle client did not report its connections (" + line + ")"
                    + errorTail(dir.resolve("stderr")));
        }
        return line;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            try {
                p.getOutputStream().close();
            } catch (IOException e) {
                // it is being stopped anyway
            }
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (Path t : temporary) {
            try (Stream<Path> all = Files.walk(t)) {
                all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
        temporary.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private void kill() {
        processes.forEach(Process::destroyForcibly);
    }
}

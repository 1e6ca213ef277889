package org.msnp.dispatch.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code msnp-dispatch serve} in a process of its own, as an operator runs it: its output kept
 * line by line, signals sent with {@code kill}.
 */
final class ServeProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private ServeProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    add(line);
                }
            } catch (IOException e) {
                add("reader: " + e);
            }
            end();
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Serves {@code config}; with {@code openFiles}, under that open-file limit ({@code ulimit -n}). */
    static ServeProcess start(Path config, Optional<Integer> openFiles) throws IOException {
        return start(config, openFiles, List.of());
    }

    /** The same, with {@code jvmOptions} ({@code -Dname=value}) on the java command line. */
    static ServeProcess start(Path config, Optional<Integer> openFiles, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        if (openFiles.isPresent()) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + openFiles.get() + " && exec \"$@\"", "bash"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dmsnp.census.data-dir=" + ServeProcess.censusDir()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.msnp.dispatch.cli.Main", "serve", "--config",
                config.toString()));
        return new ServeProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    static ServeProcess start(Path config) throws IOException {
        return start(config, Optional.empty());
    }

    private synchronized void end() {
        ended = true;
        notifyAll();
    }

    private synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    /** The first line containing {@code text}, waiting for it up to 60 s (a loaded machine starts JVMs slowly). */
    synchronized String await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int seen = 0; ; ) {
            for (; seen < lines.size(); seen++) {
                if (lines.get(seen).contains(text)) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new AssertionError("no line containing '" + text + "' in" + (ended ? " all the output" : "")
                        + ":\n" + String.join("\n", lines));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The dispatch listener, from the start-up line. */
    InetSocketAddress listening() throws InterruptedException {
        return address(await("listening on"), "listening on 127\\.0\\.0\\.1:(\\d+)");
    }

    /** The admin listener, from the start-up line. */
    InetSocketAddress admin() throws InterruptedException {
        return address(await("admin listener on"), "http://127\\.0\\.0\\.1:(\\d+)/");
    }

    private static InetSocketAddress address(String line, String regex) {
        Matcher m = Pattern.compile(regex).matcher(line);
        if (!m.find()) {
            throw new AssertionError("no address in: " + line);
        }
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
    }

    /** Sends {@code SIG<name>} as {@code kill -<name> <pid>} does. */
    void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new AssertionError("kill -" + name + " exited " + rc);
        }
    }

    /** The exit code, waiting up to 30 s. */
    int exitCode() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("still running after 30 s:\n" + String.join("\n", lines()));
        }
        return process.exitValue();
    }

    /** The process itself (its pid, its end). */
    Process process() {
        return process;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** A census directory of its own for each server process a test starts (no two share an H2 file). */
    static String censusDir() {
        return System.getProperty("msnp.census.data-dir", "target/test-data") + "-" + java.util.UUID.randomUUID();
    }
}

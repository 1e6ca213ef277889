package org.msnp.dispatch.bench;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench ceiling-server}: the {@link CeilingServer} as a process of its own, so that its CPU
 * time and memory can be read like any other server's ({@code bench targets}).
 */
@Command(name = "ceiling-server", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run the ceiling — a minimal Netty server answering the bench's handshakes with pre-built "
                + "bytes — on its own until stopped.",
                "Prints 'ceiling-server: listening on HOST:PORT, pid PID' once it accepts connections."})
final class CeilingServerCommand implements Callable<Integer> {
    static final String READY = "ceiling-server: listening on ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "PORT", description = "port to listen on; 0: any free port (default: ${DEFAULT-VALUE})")
    int port = 0;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: one per core, as the dispatch server)")
    int threads = Machine.workers();

    @Option(names = "--until-input-ends", description = "stop when standard input ends (as a child of bench targets, "
            + "so that it never outlives the bench)")
    boolean untilInputEnds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (port < 0 || port > 65535) {
            spec.commandLine().getErr().println("bench ceiling-server: --port must be 0..65535, got " + port);
            return 2;
        }
        if (threads < 1) {
            spec.commandLine().getErr().println("bench ceiling-server: --threads must be positive");
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (CeilingServer server = new CeilingServer(Mix.ALL, threads)) {
            InetSocketAddress a = server.start(host, port);
            Thread hook = new Thread(stop::countDown, "ceiling-server-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(Locale.ROOT, "%s%s:%d, pid %d, %d worker threads%n", READY, a.getAddress().getHostAddress(),
                    a.getPort(), ProcessHandle.current().pid(), threads);
            out.flush();
            if (untilInputEnds) {
                while (System.in.read() >= 0) {
                    // until the parent closes our input
                }
            } else {
                stop.await();
            }
        }
        return 0;
    }
}

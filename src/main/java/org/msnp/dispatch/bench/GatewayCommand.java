package org.msnp.dispatch.bench;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.protocol.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench gateway}: complete handshakes through the HTTP gateway, per second and their latency. */
@Command(name = "gateway", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Handshakes through the HTTP gateway: open with VER, send CVR and USR, poll until Session=close.",
                "With --self the gateway of this server in-process, else the gateway at HOST:PORT."})
final class GatewayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "HOST:PORT", description = "the gateway to load (or --self)")
    String target;

    @Option(names = "--self", description = "start this server in-process with the bench's known configuration and its gateway")
    boolean self;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "C", description = "gateway clients, each on one keep-alive connection (default: ${DEFAULT-VALUE})")
    int concurrency = 16;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "length of the measured run (default: ${DEFAULT-VALUE})")
    double duration = 10;

    @Option(names = "--first-warmup", paramLabel = "SECONDS", description = "unmeasured run first (default: ${DEFAULT-VALUE})")
    double firstWarmup = 5;

    @Option(names = "--server-log", paramLabel = "FILE|none", description = "where the --self server writes its "
            + "connection log (default: ${DEFAULT-VALUE}); none: no connection log at all")
    String serverLog = "/dev/null";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (self == (target != null)) {
            return usage("give either HOST:PORT or --self");
        }
        if (concurrency < 1 || duration <= 0 || firstWarmup < 0) {
            return usage("concurrency and duration must be positive");
        }
        out.println(Machine.header());
        Application app = null;
        String host;
        int port;
        if (self) {
            try {
                app = SelfServer.start("60s", null,
                        "gateway:\n  enabled: true\n  listen: \"127.0.0.1:0\"\n  max-sessions-per-ip: 100000\n", serverLog);
            } catch (ConfigException | IllegalStateException e) {
                return usage(e.getMessage());
            }
            InetSocketAddress gw = app.gatewayAddress().orElseThrow();
            host = gw.getAddress().getHostAddress();
            port = gw.getPort();
            out.println("server: msnp-dispatch in this process, gateway on " + host + ":" + port + ", connection log "
                    + SelfServer.describeLog(serverLog));
        } else {
            try {
                HostPort hp = HostPort.parse(target);
                host = hp.host();
                port = hp.port();
            } catch (IllegalArgumentException e) {
                return usage(e.getMessage());
            }
        }
        try {
            out.println("load: " + concurrency + " gateway clients, each one HTTP/1.1 keep-alive connection: "
                    + "POST open (VER), POST send (CVR, USR), POST poll until Session=close");
            if (firstWarmup > 0) {
                GatewayLoad.Result w = GatewayLoad.run(host, port, concurrency, Machine.seconds(firstWarmup));
                out.println("warm-up   " + w.summary());
            }
            GatewayLoad.Result r = GatewayLoad.run(host, port, concurrency, Machine.seconds(duration));
            out.println("gateway   " + r.summary());
            out.flush();
            return r.errors() == 0 && r.handshakes() > 0 ? 0 : 1;
        } finally {
            if (app != null) {
                app.stopNow();
            }
        }
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("bench gateway: " + message);
        return 2;
    }
}

package org.msnp.dispatch.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.app.ConnectionLog;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the server. SIGHUP reloads the configuration file (as does any change to it); SIGTERM and
 * SIGINT stop accepting, give open connections the shutdown grace period, and exit 0. The signal
 * handlers are the first thing installed ({@link ServeSignals}): a SIGHUP during start-up is
 * applied once the listeners are up, a SIGTERM during start-up ends it in a clean stop.
 */
@Command(name = "serve", description = "Run the dispatch server (embedded defaults without --config).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() throws Exception {
        ServeSignals signals = ServeSignals.install();
        long started = System.nanoTime();
        Thread warmup = Warmup.start();
        DispatchConfig c;
        try {
            c = config == null ? DispatchConfig.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Warmup.awaitLogging();
        Logger log = LoggerFactory.getLogger("msnp.server");
        if (signals.stopRequested()) {
            log.info("stopped");
            return 0;
        }
        Application app;
        try {
            app = Application.start(c, Optional.ofNullable(config), new ConnectionLog());
        } catch (RuntimeException e) {
            System.err.println("cannot start: " + e.getMessage());
            return 1;
        }
        // the start line comes once what connections need is loaded: a class first read later, while the
        // process is out of descriptors, could not be read then and stays unloadable (JVMS 5.4.3)
        warmup.join(10_000);
        signals.serving(() -> {
            log.info("SIGHUP: reloading {}", config == null ? "(no file)" : config);
            app.reload();
        });
        log.info("msnp-dispatch listening on {} ({}, {}) in {} ms", hostPort(app.tcpAddress()),
                app.transport().label(), config == null ? "embedded defaults" : config,
                (System.nanoTime() - started) / 1_000_000);
        app.adminAddress().ifPresent(a -> log.info("admin listener on http://{}/ (/metrics, /health{})", hostPort(a),
                c.admin().auth() == null ? "; no authentication, loopback only"
                        : c.admin().auth().openMetrics() ? "; login or bearer token required, /metrics open"
                        : "; login or bearer token required"));
        log.info("{}", Summary.of(app.config()));
        OpenFileLimit.ofProcess().ifPresent(limit -> OpenFileLimit.warning(c, limit).ifPresent(log::warn));

        signals.awaitStop();
        log.info("shutting down: no new connections, up to {} for the open ones", org.msnp.dispatch.config.Durations.format(app.config().limits().shutdownGrace()));
        app.close();
        log.info("stopped");
        return 0;
    }

    static String hostPort(java.net.InetSocketAddress a) {
        return (a.getAddress().isAnyLocalAddress() ? "*" : org.msnp.dispatch.protocol.HostPort.hostText(a)) + ":" + a.getPort();
    }
}

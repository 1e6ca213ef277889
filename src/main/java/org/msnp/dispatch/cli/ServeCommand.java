package org.msnp.dispatch.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the server until SIGTERM/SIGINT. */
@Command(name = "serve", description = "Run the dispatch server (embedded defaults without --config).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() throws Exception {
        DispatchConfig c;
        try {
            c = config == null ? DispatchConfig.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Application app = Application.start(c);
        LOG.info("msnp-dispatch listening on {} ({}) — {}", app.tcpAddress(), app.tcp().transport().name().toLowerCase(),
                config == null ? "embedded defaults" : config);
        LOG.info("{}", Summary.of(c));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: no new connections, {} of grace for open ones", c.limits().shutdownGrace());
            try {
                app.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("stopped");
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}

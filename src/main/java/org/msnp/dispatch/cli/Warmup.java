package org.msnp.dispatch.cli;

import org.msnp.dispatch.admin.DispatchMetrics;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.app.Contexts;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.net.DispatchServer;
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchContext;
import org.msnp.dispatch.session.DispatchSession;
import org.slf4j.LoggerFactory;

/**
 * Loads, on a second thread, what the server needs once its configuration is read: Logback's
 * configuration, Netty's native transport, the metrics registry, and the session core and the
 * connection pipeline (one handshake through each). The main thread meanwhile binds the configuration
 * file, so the first connection is served sooner after the process starts.
 */
final class Warmup {
    private Warmup() {
    }

    private static final java.util.concurrent.CountDownLatch LOGGING = new java.util.concurrent.CountDownLatch(1);

    /**
     * Waits until the warm-up thread has initialised logging: anything that logs while SLF4J is
     * still initialising on another thread is queued and replayed with a warning on stderr.
     */
    static void awaitLogging() throws InterruptedException {
        if (!LOGGING.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
            LoggerFactory.getILoggerFactory();
        }
    }

    static Thread start() {
        Thread t = new Thread(Warmup::run, "warmup");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void run() {
        try {
            try {
                LoggerFactory.getILoggerFactory();
            } finally {
                LOGGING.countDown();
            }
            LoggerFactory.getLogger("msnp.server");
            Transport.best().group(1).shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            new DispatchMetrics().scrape();
            DispatchConfig c = DispatchConfig.defaults();
            DispatchContext context = Contexts.of(c, Contexts.pool(c));
            DispatchSession s = new DispatchSession(context, HostPort.parse("127.0.0.1:1863"));
            for (String line : new String[] {"VER 1 MSNP8 CVR0", "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@b.c",
                    "USR 3 TWN I a@b.c"}) {
                s.handle(Command.parse(line)).replies().forEach(r -> r.line());
            }
            DispatchServer.warmUp(org.msnp.dispatch.app.Wiring.snapshot(c), org.msnp.dispatch.app.Wiring.thresholds(c));
        } catch (Exception | LinkageError e) {
            // only a head start: whatever fails here fails again, reported, where it is needed
        }
    }
}

package org.msnp.dispatch.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM, SIGINT and SIGHUP for {@code serve}, taken over before anything else happens: until
 * then the JVM's own handlers end the process (exit 143, or 129 for SIGHUP, which systemd's
 * {@code systemctl reload} sends). A SIGHUP that arrives before the listeners are up is kept and
 * applied as a reload once they are; SIGTERM or SIGINT during start-up makes start-up end in a
 * clean stop (exit 0) instead of serving.
 */
final class ServeSignals {
    private static ServeSignals installed;

    private final CountDownLatch stop = new CountDownLatch(1);
    private Runnable reload;            // null until the listeners are up
    private boolean reloadPending;

    private ServeSignals() {
    }

    /** Installs the handlers once per process and returns them. */
    static synchronized ServeSignals install() {
        if (installed == null) {
            ServeSignals s = new ServeSignals();
            Signal.handle(new Signal("TERM"), sig -> s.stop("SIGTERM"));
            Signal.handle(new Signal("INT"), sig -> s.stop("SIGINT"));
            try {
                Signal.handle(new Signal("HUP"), sig -> s.hangUp());
            } catch (IllegalArgumentException e) {
                // no SIGHUP on this platform (or the JVM runs with -Xrs): reloads follow file changes only
            }
            installed = s;
        }
        return installed;
    }

    private synchronized void hangUp() {
        if (reload == null) {
            reloadPending = true;
            LoggerFactory.getLogger("msnp.server").info("SIGHUP during start-up: the reload is deferred until the listeners are up");
        } else {
            start(reload);
        }
    }

    private void stop(String signal) {
        synchronized (this) {
            if (reload == null && stop.getCount() > 0) {
                LoggerFactory.getLogger("msnp.server").info("{} during start-up: stopping instead of serving", signal);
            }
        }
        stop.countDown();
    }

    /**
     * The listeners are up: from now on SIGHUP runs {@code reload} (on a thread of its own), and
     * a SIGHUP received during start-up runs it now.
     */
    synchronized void serving(Runnable reload) {
        this.reload = reload;
        if (reloadPending) {
            reloadPending = false;
            LoggerFactory.getLogger("msnp.server").info("applying the SIGHUP received during start-up");
            start(reload);
        }
    }

    private static void start(Runnable reload) {
        new Thread(reload, "reload").start();
    }

    boolean stopRequested() {
        return stop.getCount() == 0;
    }

    void awaitStop() throws InterruptedException {
        stop.await();
    }
}

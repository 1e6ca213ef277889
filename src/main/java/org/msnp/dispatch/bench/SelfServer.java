package org.msnp.dispatch.bench;

import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.app.ConnectionLog;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.observe.ConnectionObserver;

/** The dispatch server inside the bench process ({@code --self}), with the {@link KnownConfig}. */
final class SelfServer {
    private SelfServer() {
    }

    /**
     * @param extraYaml  keys appended to the known configuration (the gateway listener), or ""
     * @param serverLog  where the connection log goes: a file, or {@code none} for no log at all
     */
    static Application start(String idleTimeout, String closeLinger, String extraYaml, String serverLog)
            throws InterruptedException, ConfigException {
        String yaml = KnownConfig.yaml("127.0.0.1:0", idleTimeout, closeLinger) + extraYaml;
        return Application.start(ConfigLoader.parse(yaml, "bench known configuration"), observer(serverLog));
    }

    /**
     * The connection log written as a deployed server writes it (whole lines in the server's
     * layout, batched off the event loops), into {@code serverLog} instead of standard output.
     */
    static ConnectionObserver observer(String serverLog) {
        if (serverLog.equals("none")) {
            return record -> { };
        }
        try {
            return ConnectionLog.writingTo(new java.io.PrintStream(new java.io.FileOutputStream(serverLog, true), false,
                    java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--server-log " + serverLog + ": " + e.getMessage(), e);
        }
    }

    static String describeLog(String serverLog) {
        return serverLog.equals("none") ? "off" : "to " + serverLog;
    }
}

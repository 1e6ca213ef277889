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

    static ConnectionObserver observer(String serverLog) {
        if (serverLog.equals("none")) {
            return record -> { };
        }
        ServerLog.redirect(serverLog);
        return new ConnectionLog();
    }

    static String describeLog(String serverLog) {
        return serverLog.equals("none") ? "off" : "to " + serverLog;
    }
}

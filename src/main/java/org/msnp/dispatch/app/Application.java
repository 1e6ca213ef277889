package org.msnp.dispatch.app;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.msnp.dispatch.config.BindAddress;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.gateway.GatewayServer;
import org.msnp.dispatch.net.ConnectionObserver;
import org.msnp.dispatch.net.DispatchServer;
import org.msnp.dispatch.net.ListenerSettings;
import org.msnp.dispatch.routing.NsPool;
import org.msnp.dispatch.session.DispatchContext;

/** A running dispatch server: the listeners and the configuration they answer with. */
public final class Application implements AutoCloseable {
    private final DispatchConfig config;
    private final AtomicReference<DispatchContext> context;
    private final DispatchServer tcp;
    private InetSocketAddress tcpAddress;
    private GatewayServer gateway;            // HTTP gateway (docs/gateway.md); null when disabled
    private InetSocketAddress gatewayAddress;

    private Application(DispatchConfig config, ConnectionObserver observer) {
        this.config = config;
        NsPool pool = Contexts.pool(config);
        this.context = new AtomicReference<>(Contexts.of(config, pool));
        this.tcp = new DispatchServer(context::get, listenerSettings(config), observer,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    static ListenerSettings listenerSettings(DispatchConfig config) {
        BindAddress bind = config.listenAddress();
        DispatchConfig.Limits limits = config.limits();
        return new ListenerSettings(bind.host(), bind.port(), config.publicHostPort(), limits.login(), limits.idle(),
                limits.maxLineLength(), limits.linger());
    }

    /** Starts the listeners of {@code config}. */
    public static Application start(DispatchConfig config, ConnectionObserver observer) throws InterruptedException {
        Application app = new Application(config, observer);
        app.tcpAddress = app.tcp.start();
        // --- HTTP gateway: after the TCP listener, whose port it names in XFR ---
        if (config.gateway().enabled()) {
            app.gateway = GatewayServer.of(config, app.context::get, observer, app.tcpAddress);
            try {
                app.gatewayAddress = app.gateway.start();
            } catch (Throwable e) {
                app.gateway.close();
                app.tcp.close();
                throw e;
            }
        }
        // --- end HTTP gateway ---
        return app;
    }

    public static Application start(DispatchConfig config) throws InterruptedException {
        return start(config, new ConnectionLog());
    }

    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /** The HTTP gateway's bound address; empty when the gateway is disabled. */
    public Optional<InetSocketAddress> gatewayAddress() {
        return Optional.ofNullable(gatewayAddress);
    }

    public DispatchServer tcp() {
        return tcp;
    }

    public DispatchConfig config() {
        return config;
    }

    @Override
    public void close() throws InterruptedException {
        if (gateway != null) {
            gateway.stopAccepting();
        }
        tcp.stop(config.limits().grace());
        if (gateway != null) {
            gateway.stop(config.limits().grace());
        }
    }

    /** Stops at once, without a grace period (tests). */
    public void stopNow() throws InterruptedException {
        tcp.close();
        if (gateway != null) {
            gateway.close();
        }
    }
}

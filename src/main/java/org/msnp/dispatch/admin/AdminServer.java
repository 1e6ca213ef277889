package org.msnp.dispatch.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import jakarta.servlet.SessionTrackingMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (Javalin on Jetty): {@code GET /metrics} (Prometheus text), {@code GET /health}
 * (JSON; 200 up, 503 down), the login page, the console's JSON API under {@code /api/}
 * ({@link ConsoleApi}) and the operator's pages under {@code /}, served from
 * {@code src/main/resources/admin/public} (Chart.js from its webjar under {@code /webjars/}). {@link Access} decides who gets in; the connector bounds
 * what anyone can hold: a few threads, {@code maxConnections} connections (more wait unaccepted),
 * {@code requestTimeout} of silence, small requests.
 */
public final class AdminServer implements AutoCloseable {
    /** What /health reports. */
    public record Health(boolean up, Map<String, Object> body) {
    }

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** Enough for a few page loads and scrapes at once; the server runs on small machines. */
    static final int MAX_THREADS = 8;
    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final long MAX_BODY_BYTES = 16 * 1024;
    /** A refused body up to this size is read to its end before the answer ({@link #drain}). */
    static final long MAX_DRAINED = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger("msnp.admin");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DispatchMetrics metrics;
    private final Supplier<Health> health;
    private final ConsoleApi api;
    private final AdminSettings settings;
    private final Access access;
    private Javalin app;
    private ServerConnector connector;

    /** A listener whose console shows nothing of a server (no census, no pool). */
    public AdminServer(DispatchMetrics metrics, Supplier<Health> health, AdminSettings settings) {
        this(metrics, ConsoleSource.of(health), settings);
    }

    public AdminServer(DispatchMetrics metrics, ConsoleSource console, AdminSettings settings) {
        this.metrics = metrics;
        this.health = console::health;
        this.api = new ConsoleApi(console, metrics, java.time.Clock.systemUTC());
        this.settings = settings;
        this.access = new Access(settings, new LoginLimiter(5, Duration.ofMinutes(1), System::nanoTime));
    }

    /** Binds and starts; returns the bound address. */
    public InetSocketAddress start() {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        threads.setName("admin-http");
        threads.setReservedThreads(0);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.startup.startupWatcherEnabled = false;
            c.jetty.threadPool = threads;
            c.http.maxRequestSize = MAX_BODY_BYTES;
            c.http.generateEtags = false;
            c.jetty.modifyServer(server -> server.setStopTimeout(1000));
            c.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(MAX_HEADER_BYTES);
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            c.jetty.addConnector((server, http) -> {
                // one acceptor and one selector thread: the rest of the pool serves requests
                connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
                connector.setHost(settings.host());
                connector.setPort(settings.port());
                connector.setIdleTimeout(settings.requestTimeout().toMillis());
                connector.setAcceptQueueSize(settings.maxConnections());
                server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
                return connector;
            });
            c.jetty.modifyServletContextHandler(context -> context.setSessionHandler(sessions(settings)));
            c.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/admin/public";
                files.location = Location.CLASSPATH;
            });
            // Chart.js for the dashboard, from its webjar: /webjars/chart.js/<version>/dist/chart.umd.js
            c.staticFiles.enableWebjars();
            c.routes.before(access::before);
            c.routes.before(AdminServer::bodySize);
            c.routes.get(Access.HEALTH, this::health);
            c.routes.head(Access.HEALTH, this::health);
            c.routes.get(Access.METRICS, this::metrics);
            c.routes.head(Access.METRICS, this::metrics);
            c.routes.get(Access.LOGIN, access::loginPage);
            c.routes.post(Access.LOGIN, access::login);
            c.routes.post(Access.LOGOUT, access::logout);
            c.routes.get(ConsoleApi.STATUS, api::status);
            c.routes.get(ConsoleApi.HANDSHAKES, api::handshakes);
            c.routes.get(ConsoleApi.VERDICTS, api::verdicts);
            c.routes.get(ConsoleApi.DIALECTS, api::dialects);
            c.routes.get(ConsoleApi.LOCALES, api::locales);
            c.routes.get(ConsoleApi.BUILDS, api::builds);
            c.routes.get(ConsoleApi.NODES, api::nodes);
            c.routes.post(ConsoleApi.PREVIEW, api::preview);
            c.routes.error(404, ctx -> ctx.contentType("text/plain; charset=utf-8").result("not found\n"));
            c.routes.exception(Exception.class, AdminServer::failed);
        });
        app.start();
        return new InetSocketAddress(settings.host(), connector.getLocalPort());
    }

    private void health(Context ctx) throws Exception {
        Health h = health.get();
        ctx.status(h.up() ? 200 : 503).contentType("application/json").result(JSON.writeValueAsString(h.body()) + "\n");
    }

    private void metrics(Context ctx) {
        ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape());
    }

    /**
     * A body declared larger than {@link #MAX_BODY_BYTES} is refused (413) before anything reads it:
     * so a client that waits for {@code 100 Continue} is never asked for it, and one that sends it
     * anyway gets it read to its end first (up to {@link #MAX_DRAINED}), since a connection closed
     * under a body not read is reset and the client would lose the answer. The policy preview takes
     * larger bodies and refuses its own ({@link ConsoleApi}).
     */
    private static void bodySize(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared <= MAX_BODY_BYTES || ctx.req().getRequestURI().equals(ConsoleApi.PREVIEW)) {
            return;
        }
        discardUnread(ctx, declared);
        ctx.status(413).contentType("text/plain; charset=utf-8").result("request too large\n");
        ctx.skipRemainingHandlers();
    }

    /**
     * Before a body nothing has read yet is refused: reads it to its end, unless the client waits
     * for {@code 100 Continue} (then it never sends it) or declared more than {@link #MAX_DRAINED}.
     */
    static void discardUnread(Context ctx, long declared) throws IOException {
        if (declared <= MAX_DRAINED && !"100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
            drain(ctx.req().getInputStream());
        }
    }

    /** Reads and drops what is left of a request's body, at most {@link #MAX_DRAINED} bytes. */
    static void drain(InputStream in) throws IOException {
        byte[] skipped = new byte[8192];
        long left = MAX_DRAINED;
        int n;
        while (left > 0 && (n = in.read(skipped, 0, (int) Math.min(skipped.length, left))) >= 0) {
            left -= n;
        }
    }

    private static void failed(Exception e, Context ctx) {
        if (e instanceof HttpResponseException r) {
            ctx.status(r.getStatus()).contentType("text/plain; charset=utf-8").result(r.getStatus() == 413
                    ? "request too large\n" : "bad request\n");
            return;
        }
        LOG.warn("request failed: {}", e.getClass().getName());
        LOG.debug("request failed", e);
        ctx.status(500).contentType("text/plain; charset=utf-8").result("internal error\n");
    }

    private static SessionHandler sessions(AdminSettings settings) {
        SessionHandler s = new SessionHandler();
        s.setSessionCookie("msnp_admin");
        s.setHttpOnly(true);
        s.setSameSite(HttpCookie.SameSite.STRICT);
        s.setSecureCookies(settings.access().map(AdminSettings.Access::secureCookie).orElse(false));
        s.setSecureRequestOnly(false);
        s.setUsingUriParameters(false);
        s.setSessionTrackingModes(Set.of(SessionTrackingMode.COOKIE));
        s.setMaxInactiveInterval((int) Access.sessionIdle().toSeconds());
        return s;
    }

    /** Takes the credentials of a reloaded configuration (the rest needs a restart). */
    public void update(AdminSettings next) {
        access.update(next.access());
    }

    /** Whether requests need credentials. */
    public boolean authRequired() {
        return access.required();
    }

    /** Connections the listener holds now, as its connector counts them. */
    public int openConnections() {
        return connector == null ? 0 : connector.getConnectedEndPoints().size();
    }

    @Override
    public void close() {
        if (app != null) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                LOG.warn("listener did not stop cleanly: {}", e.toString());
            }
            app = null;
        }
    }
}

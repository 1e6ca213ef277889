package org.msnp.dispatch.admin;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Who may use the admin listener (docs/operations.md, "Admin listener"). Without credentials
 * configured the listener is loopback-only and answers only requests addressed to a loopback name
 * (a page on another site cannot reach it through DNS rebinding). With credentials every request
 * but {@code /health} (and {@code /metrics} when it is left open) needs either the bearer token or
 * the session cookie of a login. Requests that change something are POSTs; one that rides on the
 * cookie must come from a page of this listener: the cookie is {@code SameSite=Strict} and the
 * request's {@code Origin} (or, without one, {@code Referer}) must name the host it was sent to.
 */
final class Access {
    static final String LOGIN = "/login";
    static final String LOGOUT = "/logout";
    static final String HEALTH = "/health";
    static final String METRICS = "/metrics";
    private static final String SESSION_KEY = "msnp.admin.epoch";
    private static final Logger LOG = LoggerFactory.getLogger("msnp.admin");
    private static final String MESSAGE_MARK = "<!--message-->";
    private static final String NO_PASSWORD = "Password login is not configured here: API clients send the bearer token.";

    private record State(Optional<AdminSettings.Access> access, int epoch) {
    }

    /** bcrypt is slow on purpose: one check at a time keeps logins to one core of the machine. */
    private static final Semaphore HASHING = new Semaphore(1);

    private final boolean loopback;
    private final String listener;
    private final LoginLimiter limiter;
    private final String loginPage = resource("/admin/login.html");
    private volatile State state;

    Access(AdminSettings settings, LoginLimiter limiter) {
        this.loopback = settings.loopback();
        this.listener = settings.host() + ":" + settings.port();
        this.limiter = limiter;
        this.state = new State(settings.access(), 0);
    }

    boolean required() {
        return state.access.isPresent();
    }

    /**
     * Takes the credentials of a reloaded configuration. A changed password ends every session.
     * A listener bound beyond loopback keeps its credentials rather than run without any.
     */
    synchronized void update(Optional<AdminSettings.Access> next) {
        State s = state;
        if (next.isEmpty() && !loopback) {
            if (s.access.isPresent()) {
                LOG.warn("the reloaded configuration has no admin.auth, but the admin listener is bound to {}: "
                        + "it keeps the previous credentials until restart", listener);
            }
            return;
        }
        Optional<String> before = s.access.flatMap(AdminSettings.Access::passwordHash);
        Optional<String> after = next.flatMap(AdminSettings.Access::passwordHash);
        state = new State(next, before.equals(after) ? s.epoch : s.epoch + 1);
    }

    // --- the gate in front of every route ---------------------------------------------------------

    void before(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'");
        String path = ctx.req().getRequestURI();
        if (path.equals(HEALTH)) {
            return;
        }
        State s = state;
        if (s.access.isEmpty()) {
            if (!loopbackName(ctx.header("Host"))) {
                refuse(ctx, 421, "without admin.auth this listener only answers requests for localhost\n");
            } else if (changes(ctx.method()) && !sameOrigin(ctx)) {
                refuse(ctx, 403, "cross-site request refused\n");
            }
            return;
        }
        AdminSettings.Access a = s.access.get();
        if (path.equals(LOGIN) || (path.equals(METRICS) && a.openMetrics())) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer(ctx, a, authorization.substring(7).strip());
            return;
        }
        if (loggedIn(ctx, s)) {
            if (changes(ctx.method()) && !sameOrigin(ctx)) {
                refuse(ctx, 403, "cross-site request refused\n");
            }
            return;
        }
        HandlerType m = ctx.method();
        String accept = ctx.header("Accept");
        if ((m.equals(HandlerType.GET) || m.equals(HandlerType.HEAD)) && accept != null && accept.contains("text/html")) {
            ctx.status(302).header("Location", LOGIN).result("");
            ctx.skipRemainingHandlers();
        } else {
            ctx.header("WWW-Authenticate", "Bearer realm=\"msnp-dispatch\"");
            refuse(ctx, 401, "authentication required: log in at " + LOGIN + " or send Authorization: Bearer <token>\n");
        }
    }

    private void bearer(Context ctx, AdminSettings.Access a, String presented) {
        String address = ctx.req().getRemoteAddr();
        long wait = limiter.blockedSeconds(address);
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            refuse(ctx, 429, "too many failed attempts from this address: try again in " + wait + " s\n");
            return;
        }
        if (a.token().isPresent() && a.token().get().matches(presented)) {
            return;
        }
        failed(address, "wrong bearer token");
        ctx.header("WWW-Authenticate", "Bearer realm=\"msnp-dispatch\", error=\"invalid_token\"");
        refuse(ctx, 401, "wrong bearer token\n");
    }

    private boolean loggedIn(Context ctx, State s) {
        if (s.access.isEmpty() || s.access.get().passwordHash().isEmpty()) {
            return false;
        }
        HttpSession session = ctx.req().getSession(false);
        try {
            return session != null && Integer.valueOf(s.epoch).equals(session.getAttribute(SESSION_KEY));
        } catch (IllegalStateException invalidated) {
            return false;
        }
    }

    // --- login and logout -------------------------------------------------------------------------

    void loginPage(Context ctx) {
        State s = state;
        if (s.access.isEmpty() || loggedIn(ctx, s)) {
            ctx.redirect("/");
            return;
        }
        page(ctx, 200, s.access.get().passwordHash().isEmpty() ? NO_PASSWORD : null);
    }

    void login(Context ctx) {
        State s = state;
        if (s.access.isEmpty()) {
            ctx.status(303).header("Location", "/");
            return;
        }
        if (!sameOrigin(ctx)) {
            page(ctx, 403, "This login did not come from this server's own login page.");
            return;
        }
        Optional<String> hash = s.access.get().passwordHash();
        if (hash.isEmpty()) {
            page(ctx, 403, NO_PASSWORD);
            return;
        }
        String address = ctx.req().getRemoteAddr();
        long wait = limiter.blockedSeconds(address);
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            page(ctx, 429, "Too many failed logins from this address: try again in " + wait + " s.");
            return;
        }
        String password = ctx.formParam("password");
        boolean right;
        try {
            if (!HASHING.tryAcquire(2, TimeUnit.SECONDS)) {
                page(ctx, 503, "The server is busy: try again in a moment.");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            page(ctx, 503, "The server is busy: try again in a moment.");
            return;
        }
        try {
            right = password != null && matches(password, hash.get());
        } finally {
            HASHING.release();
        }
        if (!right) {
            failed(address, "failed login");
            page(ctx, 401, "Wrong password.");
            return;
        }
        limiter.succeeded(address);
        HttpSession old = ctx.req().getSession(false);
        if (old != null) {
            try {
                old.invalidate();
            } catch (IllegalStateException alreadyGone) {
                // nothing to end
            }
        }
        HttpSession session = ctx.req().getSession(true); // a new id: none chosen before the login survives it
        session.setAttribute(SESSION_KEY, s.epoch);
        LOG.info("login from {}", address);
        ctx.status(303).header("Location", "/");
    }

    void logout(Context ctx) {
        HttpSession session = ctx.req().getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyGone) {
                // nothing to end
            }
        }
        ctx.status(303).header("Location", state.access.isPresent() ? LOGIN : "/");
    }

    /** bcrypt reads at most 72 bytes; a longer password cannot be the one that was hashed. */
    static boolean matches(String password, String hash) {
        if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
            return false;
        }
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One log line per failure, with the client's socket address and nothing it sent. */
    private void failed(String address, String what) {
        int n = limiter.failed(address);
        if (n >= limiter.max()) {
            LOG.warn("{} from {} ({} in a row: refused for {} s)", what, address, n,
                    limiter.blockedSeconds(address));
        } else {
            LOG.warn("{} from {}", what, address);
        }
    }

    private void page(Context ctx, int status, String message) {
        String html = message == null ? loginPage
                : loginPage.replace(MESSAGE_MARK, "<p class=\"error\" id=\"error\" role=\"alert\">" + escape(message) + "</p>");
        ctx.status(status).contentType("text/html; charset=utf-8").result(html);
    }

    // --- checks ----------------------------------------------------------------------------------

    /** Every method but GET, HEAD and OPTIONS may change something, and gets the Origin check. */
    static boolean changes(HandlerType method) {
        return !method.equals(HandlerType.GET) && !method.equals(HandlerType.HEAD) && !method.equals(HandlerType.OPTIONS);
    }

    private static void refuse(Context ctx, int status, String text) {
        ctx.status(status).contentType("text/plain; charset=utf-8").result(text);
        ctx.skipRemainingHandlers();
    }

    /** The Origin (or Referer) of the request names the host and port it was sent to. */
    static boolean sameOrigin(Context ctx) {
        return sameOrigin(ctx.header("Origin"), ctx.header("Referer"), ctx.header("Host"));
    }

    static boolean sameOrigin(String origin, String referer, String host) {
        String from = origin != null && !origin.equals("null") ? origin : referer;
        if (from == null || host == null) {
            return false;
        }
        try {
            URI source = new URI(from);
            URI target = new URI(source.getScheme() + "://" + host.strip() + "/");
            if (source.getHost() == null || target.getHost() == null || source.getScheme() == null) {
                return false;
            }
            return source.getHost().equalsIgnoreCase(target.getHost())
                    && port(source) == port(target)
                    && target.getRawPath().equals("/") && target.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return switch (u.getScheme().toLowerCase(Locale.ROOT)) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
        };
    }

    /** The Host header names the loopback: {@code localhost}, {@code 127.x.x.x} or {@code [::1]}, any port. */
    static boolean loopbackName(String host) {
        if (host == null) {
            return false;
        }
        try {
            String name = new URI("http://" + host.strip() + "/").getHost();
            if (name == null) {
                return false;
            }
            if (name.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            } else if (!name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                return false; // a name: never resolved here
            }
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (java.net.URISyntaxException | java.net.UnknownHostException | RuntimeException e) {
            return false;
        }
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String resource(String name) {
        try (InputStream in = Access.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Duration sessionIdle() {
        return Duration.ofHours(12);
    }
}

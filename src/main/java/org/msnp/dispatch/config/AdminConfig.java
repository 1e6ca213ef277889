package org.msnp.dispatch.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msnp.dispatch.admin.AdminSettings;
import org.msnp.dispatch.admin.BearerToken;

/**
 * The admin listener: {@code /metrics}, {@code /health} and the operator's pages. Loopback by
 * default; any other address is refused unless {@code auth} is configured (docs/operations.md).
 *
 * @param maxConnections connections the listener holds at once; more wait unaccepted
 * @param requestTimeout how long a connection may stay silent, mid-request or between requests
 */
public record AdminConfig(Boolean enabled, BindAddress listen, Integer maxConnections, Duration requestTimeout,
                          Auth auth) {
    static final AdminConfig DEFAULT = new AdminConfig(null, null, null, null, null);

    public AdminConfig {
        enabled = enabled == null || enabled;
        listen = listen != null ? listen : BindAddress.parse("127.0.0.1:9863");
        maxConnections = maxConnections != null ? maxConnections : 64;
        if (maxConnections < 1 || maxConnections > 10_000) {
            throw new BadValue("max-connections", "max-connections must be 1..10000, got " + maxConnections);
        }
        requestTimeout = requestTimeout != null ? requestTimeout : Duration.ofSeconds(10);
        DispatchConfig.positive("request-timeout", requestTimeout);
        if (requestTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new BadValue("request-timeout", "request-timeout must be at most 10m, got " + Durations.format(requestTimeout));
        }
        if (enabled && auth == null && !listen.isLoopback()) {
            throw new BadValue("listen", "admin.listen " + listen + " is not a loopback address: configure "
                    + "admin.auth (password-hash and/or token-file) before exposing the admin listener");
        }
    }

    /**
     * Who may use the listener. Configured, it is enforced on every address, loopback included:
     * browsers log in with the password, API clients and scrapers send the bearer token.
     *
     * @param passwordHash bcrypt hash of the operator's password ({@code msnp-dispatch admin hash-password})
     * @param tokenFile    file holding the bearer token, read at start and at every reload
     * @param secureCookie mark the session cookie {@code Secure} (for a listener reached through HTTPS)
     * @param openMetrics  serve {@code /metrics} without credentials
     */
    public record Auth(String passwordHash, TokenFile tokenFile, Boolean secureCookie, Boolean openMetrics) {
        private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$(\\d\\d)\\$[./0-9A-Za-z]{53}");

        public Auth {
            if (passwordHash == null && tokenFile == null) {
                throw new BadValue("password-hash", "admin.auth needs password-hash, token-file or both");
            }
            if (passwordHash != null) {
                passwordHash = passwordHash.strip();
                Matcher m = BCRYPT.matcher(passwordHash);
                int cost = m.matches() ? Integer.parseInt(m.group(1)) : -1;
                if (cost < 4 || cost > 31) {
                    throw new BadValue("password-hash", "password-hash is not a bcrypt hash ($2a$/$2b$/$2y$, cost 4..31): "
                            + "make one with `msnp-dispatch admin hash-password`");
                }
            }
            secureCookie = secureCookie != null && secureCookie;
            openMetrics = openMetrics != null && openMetrics;
        }

        @Override
        public String toString() {
            return "Auth[password " + (passwordHash != null ? "set" : "none") + ", token-file "
                    + (tokenFile != null ? tokenFile : "none") + ", secure-cookie " + secureCookie
                    + ", open-metrics " + openMetrics + "]";
        }
    }

    /** What the admin listener runs on. */
    public AdminSettings settings() {
        Optional<AdminSettings.Access> access = Optional.ofNullable(auth).map(a -> new AdminSettings.Access(
                Optional.ofNullable(a.passwordHash()), Optional.ofNullable(a.tokenFile()).map(t -> new BearerToken(t.token())),
                a.secureCookie(), a.openMetrics()));
        return new AdminSettings(listen.host(), listen.port(), listen.isLoopback(), maxConnections, requestTimeout, access);
    }

    /** The keys, changed in {@code next}, that a running listener only takes at restart. */
    public List<String> restartKeys(AdminConfig next) {
        List<String> keys = new ArrayList<>();
        if (!enabled.equals(next.enabled)) {
            keys.add("admin.enabled");
        }
        if (!listen.equals(next.listen)) {
            keys.add("admin.listen");
        }
        if (!maxConnections.equals(next.maxConnections)) {
            keys.add("admin.max-connections");
        }
        if (!requestTimeout.equals(next.requestTimeout)) {
            keys.add("admin.request-timeout");
        }
        if (!Objects.equals(secure(), next.secure())) {
            keys.add("admin.auth.secure-cookie");
        }
        return keys;
    }

    private boolean secure() {
        return auth != null && auth.secureCookie();
    }
}

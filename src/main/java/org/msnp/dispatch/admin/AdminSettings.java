package org.msnp.dispatch.admin;

import java.time.Duration;
import java.util.Optional;

/**
 * What the admin listener runs on.
 *
 * @param loopback       the listener is bound to a loopback address
 * @param maxConnections connections held at once; more wait in the accept queue, unserved
 * @param requestTimeout silence allowed on a connection, mid-request or between requests
 * @param access         the credentials; empty: no authentication (only allowed on loopback)
 */
public record AdminSettings(String host, int port, boolean loopback, int maxConnections, Duration requestTimeout,
                            Optional<Access> access) {

    /**
     * @param passwordHash bcrypt hash of the password the login page takes
     * @param token        the bearer token API clients send
     * @param secureCookie the session cookie is marked {@code Secure}
     * @param openMetrics  {@code /metrics} needs no credentials
     */
    public record Access(Optional<String> passwordHash, Optional<BearerToken> token, boolean secureCookie,
                         boolean openMetrics) {
        @Override
        public String toString() {
            return "Access[password " + (passwordHash.isPresent() ? "set" : "none") + ", token "
                    + (token.isPresent() ? "set" : "none") + ", secure-cookie " + secureCookie + ", open-metrics "
                    + openMetrics + "]";
        }
    }
}

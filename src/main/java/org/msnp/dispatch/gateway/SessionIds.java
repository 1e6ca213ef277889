package org.msnp.dispatch.gateway;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Gateway SessionIDs, {@code <tunnel>.<secret>}: the tunnel number names the gateway session for
 * its whole life, the secret (128 random bits, base64url) is replaced on every response. The
 * two-part shape follows the captured {@code 954547325.13160} (http-gateway.md §3), which some
 * clients split at the dot; the whole value stays under 40 characters because one client copies
 * it into a 40-byte buffer.
 */
final class SessionIds {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int SECRET_CHARS = 22;

    private final SecureRandom random = new SecureRandom();

    /** A tunnel number, 1 … 2^31-1; the registry retries on the rare collision. */
    int newTunnel() {
        return 1 + random.nextInt(Integer.MAX_VALUE - 1);
    }

    String newSecret() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return BASE64URL.encodeToString(b);
    }

    static String format(int tunnel, String secret) {
        return Integer.toString(tunnel) + '.' + secret;
    }

    /** A SessionID as a client presented it; empty when it cannot be one of ours. */
    record Presented(int tunnel, String secret) {
        static Optional<Presented> parse(String text) {
            int dot = text.indexOf('.');
            if (dot < 1 || dot > 10 || text.length() - dot - 1 != SECRET_CHARS) {
                return Optional.empty();
            }
            int tunnel = 0;
            for (int i = 0; i < dot; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return Optional.empty();
                }
                long next = tunnel * 10L + (c - '0');
                if (next > Integer.MAX_VALUE) {
                    return Optional.empty();
                }
                tunnel = (int) next;
            }
            return Optional.of(new Presented(tunnel, text.substring(dot + 1)));
        }
    }
}

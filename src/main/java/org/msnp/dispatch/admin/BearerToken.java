package org.msnp.dispatch.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The token API clients send as {@code Authorization: Bearer …}; compared in constant time. */
public final class BearerToken {
    private final byte[] token;

    public BearerToken(byte[] token) {
        this.token = token.clone();
    }

    /** True when {@code presented} is the token; the time taken does not depend on where they differ. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BearerToken[…]";
    }
}

package org.msnp.dispatch.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * {@code admin.auth.token-file}: the file holding the bearer token of API clients, read when the
 * configuration is loaded (at start and at every reload, so that a new token takes effect with a
 * reload). Its {@link #toString()} names the file, never the token.
 */
public final class TokenFile {
    /** Short tokens can be guessed; {@code openssl rand -hex 32} makes a 64-character one. */
    static final int MIN_LENGTH = 32;
    private static final int MAX_LENGTH = 4096;

    private final Path path;
    private final byte[] token;

    private TokenFile(Path path, byte[] token) {
        this.path = path;
        this.token = token;
    }

    /** Reads the file named by {@code text}; the message of a failure says what to fix. */
    public static TokenFile read(String text) {
        Path path;
        try {
            path = Path.of(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a file name");
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("'" + text + "' must be an absolute path");
        }
        String content;
        try {
            if (Files.size(path) > MAX_LENGTH) {
                throw new IllegalArgumentException(path + " is larger than " + MAX_LENGTH + " bytes: it should hold one token");
            }
            content = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file");
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(path + ": cannot read (" + e.getClass().getSimpleName() + ")");
        }
        if (content.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(path + " must hold a token of at least " + MIN_LENGTH
                    + " characters (e.g. from `openssl rand -hex 32`)");
        }
        // it travels in an Authorization header: visible ASCII, no spaces
        if (!content.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException(path + " must hold one token of visible ASCII characters, without spaces");
        }
        return new TokenFile(path, content.getBytes(StandardCharsets.US_ASCII));
    }

    public Path path() {
        return path;
    }

    /** A copy of the token's bytes. */
    public byte[] token() {
        return token.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenFile t && t.path.equals(path) && MessageDigest.isEqual(t.token, token);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}

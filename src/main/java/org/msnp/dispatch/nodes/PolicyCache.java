package org.msnp.dispatch.nodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last applied version on local disk, so that a node can start while the database is away.
 * Two comment lines (version, checksum, publisher), then the document as published: the file is
 * itself a configuration that {@code check-config} reads. Written whole or not at all.
 */
final class PolicyCache {
    private static final Pattern HEADER = Pattern.compile(
            "# msnp-dispatch policy cache: version (\\d{1,18}), sha256 ([0-9a-f]{64}), published (\\S+) by (.*)");
    private static final String SECOND = "# Written by the server on every applied version; read at start when the policy"
            + " database cannot be reached.";

    private final Path file;

    PolicyCache(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Replaces the file with {@code doc}: a temporary file beside it, then one rename. */
    void write(PolicyDocument doc) throws IOException {
        PolicyVersion v = doc.version();
        String text = "# msnp-dispatch policy cache: version " + v.version() + ", sha256 " + v.sha256() + ", published "
                + v.publishedAt() + " by " + Text.printable(v.publishedBy(), PolicyStore.MAX_BY) + "\n" + SECOND + "\n"
                + doc.config();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The cached version; {@link Missing} when there is none, {@link Unusable} when it cannot be trusted. */
    PolicyDocument read() throws IOException, Unusable {
        String all;
        try {
            all = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Missing();
        }
        int first = all.indexOf('\n');
        int second = first < 0 ? -1 : all.indexOf('\n', first + 1);
        if (second < 0) {
            throw new Unusable(file + ": not a policy cache file (no header)");
        }
        Matcher m = HEADER.matcher(all.substring(0, first));
        if (!m.matches()) {
            throw new Unusable(file + ":1: not a policy cache header");
        }
        String config = all.substring(second + 1);
        if (!PolicyStore.sha256(config).equals(m.group(2))) {
            throw new Unusable(file + ": the document does not match its sha256 (changed or cut short)");
        }
        Instant at;
        try {
            at = Instant.parse(m.group(3));
        } catch (DateTimeParseException e) {
            throw new Unusable(file + ":1: '" + Text.printable(m.group(3), 40) + "' is not an instant");
        }
        return new PolicyDocument(new PolicyVersion(Long.parseLong(m.group(1)), m.group(4), at, "", m.group(2)), config);
    }

    /** No cache file. */
    static final class Missing extends IOException {
        Missing() {
            super("no cache file");
        }
    }

    /** A cache file that is not one, or whose document does not match its checksum. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }
}

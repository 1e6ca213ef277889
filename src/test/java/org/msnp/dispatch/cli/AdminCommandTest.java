package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.config.ConfigLoader;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** {@code msnp-dispatch admin hash-password}, and check-config on the admin section. */
class AdminCommandTest {
    @TempDir
    Path dir;

    static synchronized Console withStdin(String input, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            return Console.run(args);
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void hashPasswordPrintsABcryptHashTheConfigurationTakes() throws Exception {
        Console c = withStdin("correct horse battery staple\n", "admin", "hash-password", "--cost", "5");
        assertThat(c.exitCode()).isZero();
        String hash = c.out().strip();
        assertThat(hash).startsWith("$2a$05$").hasSize(60);
        assertThat(BCrypt.checkpw("correct horse battery staple", hash)).isTrue();
        assertThat(BCrypt.checkpw("correct horse battery staple\n", hash)).as("the line end is not part of it").isFalse();
        assertThat(ConfigLoader.parse("admin:\n  auth:\n    password-hash: \"" + hash + "\"\n", "x").admin().auth()).isNotNull();
        assertThat(c.err()).isEmpty();
    }

    @Test
    void hashPasswordRefusesWhatBcryptCannotTake() {
        assertThat(withStdin("", "admin", "hash-password").exitCode()).isEqualTo(1);
        Console tooLong = withStdin("x".repeat(73) + "\n", "admin", "hash-password", "--cost", "4");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.err()).contains("72 bytes");
        assertThat(tooLong.out()).isEmpty();
        assertThat(withStdin("a long enough password\n", "admin", "hash-password", "--cost", "3").exitCode()).isEqualTo(2);
        Console shortOne = withStdin("short\n", "admin", "hash-password", "--cost", "4");
        assertThat(shortOne.exitCode()).isZero();
        assertThat(shortOne.err()).contains("warning");
    }

    @Test
    void checkConfigRefusesAnExposedListenerWithoutCredentials() throws Exception {
        Path f = Files.writeString(dir.resolve("dispatch.yaml"), "listen: 0.0.0.0:1863\nadmin:\n  listen: 0.0.0.0:9863\n");
        Console c = Console.run("check-config", f.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.err().strip()).startsWith(f + ":3: admin.listen: ").contains("not a loopback address");
        assertThat(c.out()).isEmpty();
    }
}

package org.msnp.dispatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code admin} section: where the listener may bind and with which credentials. */
class AdminConfigTest {
    static final String HASH = "$2a$04$hsuw47ZQnx8uRb4vvc97CuurtjXEzI6yCFs4oGkhMBPpuCzLUHZtC";
    static final String TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    Path token(String content) throws Exception {
        return Files.writeString(dir.resolve("admin.token"), content);
    }

    @Test
    void theDefaultsAreLoopbackWithoutCredentialsAndSmallLimits() throws Exception {
        AdminConfig a = ConfigLoader.parse("", "dispatch.yaml").admin();
        assertThat(a.listen().toString()).isEqualTo("127.0.0.1:9863");
        assertThat(a.maxConnections()).isEqualTo(64);
        assertThat(a.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.auth()).isNull();
        assertThat(a.settings().access()).isEmpty();
        assertThat(a.settings().loopback()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0:9863", "192.0.2.10:9863", "[::]:9863", "admin.example.net:9863"})
    void anAddressBeyondLoopbackIsRefusedWithoutCredentials(String listen) {
        Matcher m = ConfigLoaderTest.form("""
                listen: 127.0.0.1:1863
                admin:
                  listen: "%s"
                """.formatted(listen));
        assertThat(m.group(1)).isEqualTo("3");
        assertThat(m.group(2)).isEqualTo("admin.listen");
        assertThat(m.group(3)).contains("not a loopback address", "admin.auth");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:9863", "127.0.0.2:0", "localhost:9863", "[::1]:9863"})
    void loopbackAddressesNeedNoCredentials(String listen) throws Exception {
        assertThat(ConfigLoader.parse("admin:\n  listen: \"" + listen + "\"\n", "dispatch.yaml").admin().settings().loopback()).isTrue();
    }

    @Test
    void aDisabledListenerMayNameAnyAddress() throws Exception {
        assertThat(ConfigLoader.parse("admin: {enabled: false, listen: 0.0.0.0:9863}\n", "dispatch.yaml").admin().enabled()).isFalse();
    }

    @Test
    void withCredentialsAnyAddressIsAllowed() throws Exception {
        Path t = token(TOKEN + "\n");
        AdminConfig a = ConfigLoader.parse("""
                admin:
                  listen: 0.0.0.0:9863
                  auth:
                    password-hash: "%s"
                    token-file: %s
                    open-metrics: true
                """.formatted(HASH, t), "dispatch.yaml").admin();
        assertThat(a.settings().loopback()).isFalse();
        assertThat(a.settings().access()).hasValueSatisfying(x -> {
            assertThat(x.passwordHash()).hasValue(HASH);
            assertThat(x.token()).isPresent();
            assertThat(x.openMetrics()).isTrue();
            assertThat(x.secureCookie()).isFalse();
        });
        assertThat(a.toString()).as("the token never shows").doesNotContain(TOKEN).contains(t.toString());
        assertThat(a.settings().toString()).doesNotContain(TOKEN).doesNotContain(HASH);
    }

    @Test
    void aHashThatIsNotBcryptIsRefusedWithoutRepeatingIt() {
        Matcher m = ConfigLoaderTest.form("""
                admin:
                  auth:
                    password-hash: "hunter2hunter2"
                """);
        assertThat(m.group(1)).isEqualTo("3");
        assertThat(m.group(2)).isEqualTo("admin.auth.password-hash");
        assertThat(m.group(3)).contains("bcrypt", "hash-password").doesNotContain("hunter2");
    }

    @Test
    void authNeedsAPasswordOrAToken() {
        Matcher m = ConfigLoaderTest.form("admin:\n  auth:\n    secure-cookie: true\n");
        assertThat(m.group(2)).startsWith("admin.auth");
        assertThat(m.group(3)).contains("password-hash", "token-file");
    }

    @Test
    void theTokenFileIsReadAndCheckedWhenTheConfigurationIs() throws Exception {
        Matcher missing = ConfigLoaderTest.form("admin:\n  auth:\n    token-file: " + dir.resolve("nope") + "\n");
        assertThat(missing.group(1)).isEqualTo("3");
        assertThat(missing.group(2)).isEqualTo("admin.auth.token-file");
        assertThat(missing.group(3)).contains("no such file");

        Path shortToken = token("abc\n");
        assertThat(ConfigLoaderTest.form("admin:\n  auth:\n    token-file: " + shortToken + "\n").group(3))
                .contains("at least 32 characters").doesNotContain("abc\n");
        assertThat(ConfigLoaderTest.form("admin:\n  auth:\n    token-file: admin.token\n").group(3)).contains("absolute path");
        Path spaced = token("0123456789abcdef 0123456789abcdef\n");
        assertThat(ConfigLoaderTest.form("admin:\n  auth:\n    token-file: " + spaced + "\n").group(3)).contains("without spaces");
    }

    @Test
    void limitsAreChecked() {
        Matcher m = ConfigLoaderTest.form("admin:\n  max-connections: 0\n");
        assertThat(m.group(2)).isEqualTo("admin.max-connections");
        Matcher t = ConfigLoaderTest.form("admin:\n  request-timeout: 0s\n");
        assertThat(t.group(2)).isEqualTo("admin.request-timeout");
    }

    @Test
    void onlyTheListenerKeysNeedARestart() throws Exception {
        Path t = token(TOKEN);
        AdminConfig a = ConfigLoader.parse("admin:\n  auth: {token-file: " + t + "}\n", "x").admin();
        AdminConfig b = ConfigLoader.parse("admin:\n  auth: {token-file: " + t + ", password-hash: \"" + HASH + "\"}\n", "x").admin();
        assertThat(a.restartKeys(b)).isEmpty();
        AdminConfig c = ConfigLoader.parse("admin:\n  listen: 127.0.0.1:9999\n  request-timeout: 5s\n"
                + "  auth: {token-file: " + t + ", secure-cookie: true}\n", "x").admin();
        assertThat(a.restartKeys(c)).containsExactly("admin.listen", "admin.request-timeout", "admin.auth.secure-cookie");
    }
}

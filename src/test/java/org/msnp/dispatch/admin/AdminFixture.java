package org.msnp.dispatch.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** A running server whose admin listener has credentials, and an HTTP client for it. */
final class AdminFixture implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef";
    /** Cost 4: the lowest bcrypt takes, so that tests do not wait on hashing. */
    static final String HASH = BCrypt.hashpw(PASSWORD, BCrypt.gensalt(4));

    final Path dir;
    final Path config;
    final Path tokenFile;
    final Application app;
    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code authExtra}: more keys under {@code admin.auth}, indented by four spaces. */
    AdminFixture(Path dir, String authExtra) throws Exception {
        this.dir = dir;
        this.tokenFile = Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        this.config = Files.writeString(dir.resolve("dispatch.yaml"), yaml(HASH, authExtra));
        this.app = Application.start(ConfigLoader.load(config), java.util.Optional.of(config), r -> { });
        this.base = "http://127.0.0.1:" + app.adminAddress().orElseThrow().getPort();
    }

    String yaml(String hash, String authExtra) {
        return """
                listen: 127.0.0.1:0
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                admin:
                  listen: 127.0.0.1:0
                  auth:
                    password-hash: "%s"
                    token-file: %s
                %s""".formatted(hash, tokenFile, authExtra);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    /** POST /login from this listener's own login page. */
    HttpResponse<String> login(String password) throws IOException, InterruptedException {
        return send(request("/login").header("Origin", base).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("password=" + java.net.URLEncoder.encode(password,
                        java.nio.charset.StandardCharsets.UTF_8))));
    }

    /** The {@code name=value} of the session cookie a response sets. */
    static String cookie(HttpResponse<?> r) {
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    @Override
    public void close() throws Exception {
        app.stopNow();
    }
}

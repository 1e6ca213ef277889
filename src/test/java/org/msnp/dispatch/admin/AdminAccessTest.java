package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.slf4j.LoggerFactory;

/** Who gets into the admin listener, over real HTTP connections. */
class AdminAccessTest {
    @TempDir
    Path dir;

    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger("msnp.admin")).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("msnp.admin")).detachAppender(log);
    }

    List<String> logLines() {
        // the appender appends under its own lock
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void healthIsOpenAndEverythingElseNeedsCredentials() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            HttpResponse<String> health = f.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"up\"");

            HttpResponse<String> metrics = f.get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(401);
            assertThat(metrics.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(metrics.body()).doesNotContain("msnp_");

            // a browser asking for a page is sent to the login page; the page's assets are closed too
            HttpResponse<String> page = f.send(f.request("/").header("Accept", "text/html,*/*").GET());
            assertThat(page.statusCode()).isEqualTo(302);
            assertThat(page.headers().firstValue("Location")).hasValue("/login");
            assertThat(f.get("/admin.css").statusCode()).isEqualTo(401);
            assertThat(f.get("/no-such-page").statusCode()).as("no probing for pages").isEqualTo(401);

            HttpResponse<String> login = f.get("/login");
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).contains("<form method=\"post\" action=\"/login\">").doesNotContain("id=\"error\"");
        }
    }

    @Test
    void theBearerTokenOpensMetricsAndAWrongOneIsRefused() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            HttpResponse<String> ok = f.send(f.request("/metrics").header("Authorization", "Bearer " + AdminFixture.TOKEN).GET());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue(AdminServer.PROMETHEUS_TEXT);
            assertThat(ok.body()).contains("msnp_connections_open");

            HttpResponse<String> wrong = f.send(f.request("/metrics")
                    .header("Authorization", "Bearer " + AdminFixture.TOKEN.replace('0', '1')).GET());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("msnp_");
            assertThat(logLines()).anySatisfy(l -> assertThat(l).isEqualTo("wrong bearer token from 127.0.0.1"));
        }
    }

    @Test
    void openMetricsLeavesOnlyMetricsOpen() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "    open-metrics: true\n")) {
            assertThat(f.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(f.get("/").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void theRightPasswordGivesAStrictHttpOnlySessionCookie() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            HttpResponse<String> wrong = f.login("not the password");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("id=\"error\"").contains("Wrong password.");
            assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

            HttpResponse<String> right = f.login(AdminFixture.PASSWORD);
            assertThat(right.statusCode()).isEqualTo(303);
            assertThat(right.headers().firstValue("Location")).hasValue("/");
            String setCookie = right.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).startsWith("msnp_admin=").containsIgnoringCase("HttpOnly")
                    .containsIgnoringCase("SameSite=Strict").doesNotContainIgnoringCase("Secure;")
                    .doesNotEndWithIgnoringCase("Secure");

            String cookie = AdminFixture.cookie(right);
            HttpResponse<String> page = f.send(f.request("/").header("Cookie", cookie).GET());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>msnp-dispatch</title>");
            assertThat(f.send(f.request("/metrics").header("Cookie", cookie).GET()).statusCode()).isEqualTo(200);
            assertThat(logLines()).contains("failed login from 127.0.0.1", "login from 127.0.0.1");
        }
    }

    @Test
    void secureCookieMarksTheCookieSecure() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "    secure-cookie: true\n")) {
            HttpResponse<String> right = f.login(AdminFixture.PASSWORD);
            assertThat(right.headers().firstValue("Set-Cookie").orElseThrow()).containsIgnoringCase("Secure");
        }
    }

    @Test
    void postsThatRideOnTheCookieMustComeFromTheListenersOwnPages() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            String cookie = AdminFixture.cookie(f.login(AdminFixture.PASSWORD));
            HttpRequest.BodyPublisher empty = HttpRequest.BodyPublishers.noBody();
            assertThat(f.send(f.request("/logout").header("Cookie", cookie).header("Origin", "http://evil.example").POST(empty))
                    .statusCode()).isEqualTo(403);
            assertThat(f.send(f.request("/logout").header("Cookie", cookie).POST(empty)).statusCode())
                    .as("neither Origin nor Referer").isEqualTo(403);
            assertThat(f.send(f.request("/").header("Cookie", cookie).GET()).statusCode()).as("still logged in").isEqualTo(200);

            HttpResponse<String> out = f.send(f.request("/logout").header("Cookie", cookie).header("Referer", f.base + "/").POST(empty));
            assertThat(out.statusCode()).isEqualTo(303);
            assertThat(out.headers().firstValue("Location")).hasValue("/login");
            assertThat(f.send(f.request("/").header("Cookie", cookie).GET()).statusCode()).as("logged out").isEqualTo(401);

            // a login form posted from another site is refused before the password is looked at
            HttpResponse<String> crossLogin = f.send(f.request("/login").header("Origin", "http://evil.example")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("password=" + AdminFixture.PASSWORD.replace(' ', '+'))));
            assertThat(crossLogin.statusCode()).isEqualTo(403);
            assertThat(crossLogin.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void failedLoginsAreLimitedPerAddressAndLoggedWithoutWhatTheClientSent() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            for (int i = 0; i < 5; i++) {
                assertThat(f.login("<script>alert(1)</script>\r\nINFO  forged line " + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> limited = f.login(AdminFixture.PASSWORD);
            assertThat(limited.statusCode()).as("even the right password, once limited").isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
            assertThat(limited.body()).contains("Too many failed logins");
            assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(f.send(f.request("/metrics").header("Authorization", "Bearer " + AdminFixture.TOKEN).GET()).statusCode())
                    .as("the bearer token from a limited address").isEqualTo(429);

            List<String> lines = logLines();
            assertThat(lines).filteredOn(l -> l.startsWith("failed login from 127.0.0.1")).hasSize(5);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("failed login from 127.0.0.1 (5 in a row: refused for "));
            assertThat(String.join("\n", lines)).doesNotContain("script", "forged", "\r");
        }
    }

    @Test
    void aReloadReadsTheTokenFileAgainAndANewPasswordEndsSessions() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            String cookie = AdminFixture.cookie(f.login(AdminFixture.PASSWORD));
            String newToken = "fedcba9876543210fedcba9876543210fedcba9876543210";
            Files.writeString(f.tokenFile, newToken + "\n");
            assertThat(f.app.reload().ok()).isTrue();
            assertThat(f.send(f.request("/metrics").header("Authorization", "Bearer " + newToken).GET()).statusCode()).isEqualTo(200);
            assertThat(f.send(f.request("/metrics").header("Authorization", "Bearer " + AdminFixture.TOKEN).GET()).statusCode()).isEqualTo(401);
            assertThat(f.send(f.request("/").header("Cookie", cookie).GET()).statusCode()).as("same password: session kept").isEqualTo(200);

            String other = "another password entirely";
            Files.writeString(f.config, f.yaml(org.springframework.security.crypto.bcrypt.BCrypt.hashpw(other,
                    org.springframework.security.crypto.bcrypt.BCrypt.gensalt(4)), ""));
            assertThat(f.app.reload().ok()).isTrue();
            assertThat(f.send(f.request("/").header("Cookie", cookie).GET()).statusCode()).as("new password: session ended").isEqualTo(401);
            assertThat(f.login(other).statusCode()).isEqualTo(303);
        }
    }

    @Test
    void oversizedRequestsAreRefused() throws Exception {
        try (AdminFixture f = new AdminFixture(dir, "")) {
            // Expect: 100-continue: the refusal comes before the body is sent (written on a socket of
            // our own: what is tested is the server's answer, not an HTTP client's handling of the
            // expectation)
            java.net.URI at = java.net.URI.create(f.base);
            try (java.net.Socket s = new java.net.Socket(at.getHost(), at.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: " + at.getAuthority() + "\r\nOrigin: " + f.base
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100009\r\n"
                        + "Expect: 100-continue\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                assertThat(status).startsWith("HTTP/1.1 413 ");
            }
            // and without Expect: the body is on its way when the refusal is made; the answer must
            // still reach the client (not be lost to a connection reset under the unread body)
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = f.send(f.request("/login").header("Origin", f.base)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("password=" + "x".repeat(i % 2 == 0 ? 20_000 : 300_000))));
                assertThat(r.statusCode()).as("attempt " + i).isEqualTo(413);
            }
            String header = "x".repeat(20_000);
            assertThat(f.send(f.request("/health").header("X-Padding", header).GET()).statusCode()).isEqualTo(431);
        }
    }

    @Test
    void withoutCredentialsTheLoopbackListenerAnswersOnlyLoopbackNames() throws Exception {
        Application app = Application.start(ConfigLoader.parse("""
                listen: 127.0.0.1:0
                notification-servers: {targets: [10.0.0.5:1863], health-check: {enabled: false}}
                admin: {listen: 127.0.0.1:0}
                """, "test.yaml"), r -> { });
        try {
            int port = app.adminAddress().orElseThrow().getPort();
            assertThat(raw(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200").contains("msnp_connections_open");
            assertThat(raw(port, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
            assertThat(raw(port, "GET /metrics HTTP/1.1\r\nHost: [::1]:9863\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
            // a page of another site whose name was pointed at 127.0.0.1 (DNS rebinding)
            assertThat(raw(port, "GET /metrics HTTP/1.1\r\nHost: attacker.example:" + port + "\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 421").doesNotContain("msnp_");
            assertThat(raw(port, "GET /health HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(raw(port, "POST /logout HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://attacker.example\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 403");
        } finally {
            app.stopNow();
        }
    }

    static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

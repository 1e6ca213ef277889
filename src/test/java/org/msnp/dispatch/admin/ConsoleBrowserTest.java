package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.census.CensusHistory;
import org.msnp.dispatch.census.CensusKey;
import org.msnp.dispatch.census.CensusQueries;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium (Selenium and the system's ChromeDriver, as
 * {@link AdminBrowserTest}) against a running server with known traffic: the figures the page
 * shows are the census's, and the policy preview shows what a raised minimum does. Takes the
 * screenshot of docs/console-dashboard.png: always to {@code target/console-dashboard.png}, and to
 * the path in the system property {@code console.screenshot} when it is set.
 */
class ConsoleBrowserTest {
    @TempDir
    Path dir;

    static final CensusKey SEED_602 = key("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "0x0409", "xfr", "upgrade-offered");
    static final CensusKey SEED_813 = key("tcp", "MSNP12", "MSNMSGR", "7.0.0813", "0x0411", "xfr", "current");
    static final CensusKey SEED_777 = key("tcp", "MSNP11", "MSNMSGR", "7.0.0777", "0x0407", "xfr", "upgrade-offered");
    static final CensusKey SEED_205 = key("http", "MSNP9", "MSNMSGR", "6.2.0205", "0x0c0a", "xfr", "upgrade-offered");
    static final CensusKey SEED_540 = key("tcp", "MSNP8", "MSNMSGR", "5.0.0540", "0x0416", "xfr", "below-minimum");
    static final CensusKey SEED_CVQ = new CensusKey("tcp", "CVR0", "MSMSGS", "4.7.3001", "win", "0x040c", "cvq-answered",
            "below-minimum");
    static final CensusKey SEED_NONE = new CensusKey("tcp", "-", null, null, null, null, "no-common-dialect", "none");

    static CensusKey key(String transport, String dialect, String library, String build, String locale, String outcome,
                         String verdict) {
        return new CensusKey(transport, dialect, library, build, "winnt", locale, outcome, verdict);
    }

    /** Two nodes' conversations over the last 20 hours (none in the current hour). */
    static List<CensusHistory.Past> history() {
        Instant now = Instant.now();
        List<CensusHistory.Past> out = new ArrayList<>();
        for (int h = 1; h <= 20; h++) {
            Instant at = now.minus(h, ChronoUnit.HOURS);
            String node = h % 3 == 0 ? "dispatch-2" : ConsoleFixture.NODE;
            out.add(new CensusHistory.Past(at, node, SEED_602, 3 + (h * 7) % 5));
            out.add(new CensusHistory.Past(at, node, SEED_813, 2 + (h * 5) % 7));
            out.add(new CensusHistory.Past(at, node, SEED_777, 1 + h % 3));
            out.add(new CensusHistory.Past(at, node, SEED_205, h % 4));
            out.add(new CensusHistory.Past(at, node, SEED_540, h % 2));
            out.add(new CensusHistory.Past(at, node, SEED_CVQ, h % 5 == 0 ? 2 : 0));
            out.add(new CensusHistory.Past(at, node, SEED_NONE, h % 6 == 0 ? 1 : 0));
        }
        return out;
    }

    static long seeded(List<CensusHistory.Past> history, CensusKey key) {
        return history.stream().filter(p -> p.key().equals(key)).mapToLong(CensusHistory.Past::conversations).sum();
    }

    static Browser open(Path dir) throws Exception {
        AdminBrowserTest.requireBrowser();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(AdminBrowserTest.CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = AdminBrowserTest.chromium(service, Files.createDirectory(dir.resolve("profile")));
        return new Browser(service, browser);
    }

    /** A browser and its driver process, stopped together. */
    record Browser(ChromeDriverService service, WebDriver browser) implements AutoCloseable {
        @Override
        public void close() {
            try {
                browser.quit();
            } finally {
                service.stop();
            }
        }
    }

    /** Waits for the dashboard's first complete refresh (the total is drawn). */
    static void awaitDashboard(WebDriver browser) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
            String refreshes = d.findElement(By.tagName("html")).getDomAttribute("data-refreshes");
            return refreshes != null && d.findElement(By.id("total")).getDomAttribute("data-total") != null;
        });
    }

    static Map<String, Long> rows(WebDriver browser, String table, String key) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (WebElement tr : browser.findElements(By.cssSelector("#" + table + " tbody tr[data-" + key + "]"))) {
            out.put(tr.getDomAttribute("data-" + key), Long.parseLong(tr.getDomAttribute("data-count")));
        }
        return out;
    }

    @Test
    void theDashboardShowsTheCensusAndPreviewsARaisedMinimum() throws Exception {
        try (ConsoleFixture f = new ConsoleFixture(dir, "")) {
            List<CensusHistory.Past> history = history();
            CensusHistory.write(f.censusConfig(), history, false);
            f.traffic();
            long seededTotal = history.stream().mapToLong(CensusHistory.Past::conversations).sum();

            try (Browser d = open(dir)) {
                WebDriver browser = d.browser();
                browser.manage().window().setSize(new Dimension(1400, 2760));
                browser.get(f.base + "/");
                awaitDashboard(browser);
                assertThat(browser.getTitle()).isEqualTo("msnp-dispatch");
                assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();

                CensusQueries q = f.app.census().orElseThrow().queries();
                Instant now = Instant.now();
                CensusQueries.Range day = CensusQueries.Range.of(now.minus(24, ChronoUnit.HOURS), now.plusSeconds(1));

                // the total
                long total = Long.parseLong(browser.findElement(By.id("total")).getDomAttribute("data-total"));
                assertThat(total).isEqualTo(9 + seededTotal).isEqualTo(q.total(day));
                assertThat(browser.findElement(By.id("total")).getText()).isEqualTo(String.format(java.util.Locale.US, "%,d", total));

                // dialects
                Map<String, Long> dialects = new TreeMap<>(rows(browser, "dialects", "dialect"));
                Map<String, Long> census = new TreeMap<>();
                q.byDialect(day).forEach(s -> census.put(s.value(), s.conversations()));
                assertThat(dialects).isEqualTo(census);
                assertThat(dialects.get("MSNP8")).isEqualTo(5 + seeded(history, SEED_602) + seeded(history, SEED_540));
                assertThat(dialects.get("MSNP12")).isEqualTo(2 + seeded(history, SEED_813));

                // top builds with the running policy's verdict
                List<String> builds = new ArrayList<>();
                for (WebElement tr : browser.findElements(By.cssSelector("#builds tbody tr[data-build]"))) {
                    builds.add(tr.getDomAttribute("data-library") + "/" + tr.getDomAttribute("data-build") + " "
                            + tr.getDomAttribute("data-count") + " " + tr.getDomAttribute("data-verdict"));
                }
                List<String> expected = new ArrayList<>();
                q.topBuilds(day, 20).forEach(b -> expected.add(b.library() + "/" + b.build() + " " + b.conversations() + " "
                        + switch (b.library() + "/" + b.build()) {
                            case "MSNMSGR/7.0.0813" -> "current";
                            case "MSNMSGR/6.0.0602", "MSNMSGR/7.0.0777", "MSNMSGR/6.2.0205" -> "upgrade-offered";
                            case "-/-" -> "none";
                            default -> "below-minimum";
                        }));
                assertThat(builds).isEqualTo(expected).hasSize(7)
                        .contains("MSNMSGR/6.0.0602 " + (5 + seeded(history, SEED_602)) + " upgrade-offered",
                                "MSMSGS/4.7.3001 " + (1 + seeded(history, SEED_CVQ)) + " below-minimum");
                assertThat(browser.findElement(By.cssSelector("#builds tr[data-build='7.0.0813'] .badge")).getText()).isEqualTo("current");

                // a locale with its language
                WebElement ja = browser.findElement(By.cssSelector("#locales tr[data-locale='0x0411']"));
                assertThat(ja.getDomAttribute("data-tag")).isEqualTo("ja-JP");
                assertThat(ja.getDomAttribute("data-language")).isEqualTo("Japanese (Japan)");
                assertThat(Long.parseLong(ja.getDomAttribute("data-count"))).isEqualTo(2 + seeded(history, SEED_813));
                assertThat(ja.getText()).contains("0x0411", "ja-JP", "Japanese (Japan)");
                assertThat(browser.findElement(By.cssSelector("#locales tr[data-locale='0x0c0a']")).getDomAttribute("data-language"))
                        .isEqualTo("Spanish (Spain)");

                // the pool, the configuration, the nodes
                assertThat(browser.findElement(By.id("config-version")).getText()).isEqualTo("1");
                assertThat(browser.findElement(By.id("config-source")).getText()).isEqualTo(f.config.toString());
                assertThat(browser.findElements(By.cssSelector("#ns tr[data-healthy='true']"))).hasSize(2);
                assertThat(rows(browser, "nodes", "node")).containsOnlyKeys(ConsoleFixture.NODE, "dispatch-2");

                // the charts are drawn from the same numbers
                JavascriptExecutor js = (JavascriptExecutor) browser;
                Object outcomes = js.executeScript("const c = Chart.getChart('chart-outcomes');"
                        + "return c.data.datasets.reduce((a, s) => a + s.data.reduce((x, y) => x + y, 0), 0);");
                assertThat(((Number) outcomes).longValue()).isEqualTo(total);

                // the node filter
                new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("node"))).selectByValue("dispatch-2");
                long dispatch2 = history.stream().filter(p -> p.node().equals("dispatch-2")).mapToLong(CensusHistory.Past::conversations).sum();
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.attributeToBe(By.id("total"), "data-total",
                        Long.toString(dispatch2)));
                new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("node"))).selectByValue("");
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.attributeToBe(By.id("total"), "data-total",
                        Long.toString(total)));

                // the preview of a raised minimum
                long raised = 5 + seeded(history, SEED_602) + seeded(history, SEED_777) + seeded(history, SEED_205);
                WebElement candidate = browser.findElement(By.id("candidate"));
                candidate.sendKeys("version-policy:\n  rules: [\n");
                browser.findElement(By.id("preview-run")).click();
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("preview-error")));
                assertThat(browser.findElement(By.id("preview-error")).getText()).startsWith("candidate.yaml:");

                candidate.clear();
                js.executeScript("document.getElementById('candidate').value = arguments[0];", ConsoleFixture.RAISED_MINIMUM + """
                            - library: WEBMSGR
                              recommended: 1.0.0001
                              minimum: 1.0.0001
                              download-url: http://www.example.net/web.exe
                              info-url: http://www.example.net/
                        """);
                browser.findElement(By.id("preview-run")).click();
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("preview-result")));
                WebElement result = browser.findElement(By.id("preview-result"));
                assertThat(Long.parseLong(result.getDomAttribute("data-changed"))).isEqualTo(raised);
                assertThat(browser.findElement(By.id("preview-changed")).getText()).isEqualTo(String.format(java.util.Locale.US, "%,d", raised));
                WebElement change = browser.findElement(By.cssSelector(
                        "#preview-verdicts tr[data-from='upgrade-offered'][data-to='below-minimum']"));
                assertThat(Long.parseLong(change.getDomAttribute("data-count"))).isEqualTo(raised);
                assertThat(change.getText()).contains("upgrade-offered", "→", "below-minimum");
                assertThat(browser.findElement(By.id("preview-error")).isDisplayed()).isFalse();
                assertThat(browser.findElements(By.cssSelector("#preview-rules tr[data-status='matches']"))).hasSize(2);
                assertThat(browser.findElement(By.cssSelector("#preview-rules tr[data-status='dead']")).getText())
                        .contains("WEBMSGR", "dead: matches no client");
                assertThat(f.app.configVersion()).as("the preview changes nothing").isEqualTo(1);

                js.executeScript("window.scrollTo(0, 0)");
                byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
                Files.write(Path.of("target", "console-dashboard.png"), png);
                String keep = System.getProperty("console.screenshot");
                if (keep != null && !keep.isBlank()) {
                    Files.write(Path.of(keep), png);
                }
            }
        }
    }

    @Test
    void withCredentialsTheDashboardComesAfterTheLogin() throws Exception {
        Path token = Files.writeString(dir.resolve("admin.token"), AdminFixture.TOKEN + "\n");
        String auth = """
                  auth:
                    password-hash: "%s"
                    token-file: %s
                """.formatted(AdminFixture.HASH, token);
        try (ConsoleFixture f = new ConsoleFixture(dir, auth)) {
            f.traffic();
            try (Browser d = open(dir)) {
                WebDriver browser = d.browser();
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(f.base + "/");
                wait.until(ExpectedConditions.urlToBe(f.base + "/login"));
                browser.get(f.base + "/dashboard.js");
                assertThat(browser.getCurrentUrl()).as("the page's script needs the login too").isEqualTo(f.base + "/login");
                browser.findElement(By.id("password")).sendKeys(AdminFixture.PASSWORD);
                browser.findElement(By.id("login")).click();
                wait.until(ExpectedConditions.urlToBe(f.base + "/"));
                awaitDashboard(browser);
                assertThat(browser.findElement(By.id("total")).getDomAttribute("data-total")).isEqualTo("9");
                assertThat(rows(browser, "dialects", "dialect")).containsEntry("MSNP8", 5L);

                // the preview posts with the session from the page's own origin
                ((JavascriptExecutor) browser).executeScript("document.getElementById('candidate').value = arguments[0];",
                        ConsoleFixture.RAISED_MINIMUM);
                browser.findElement(By.id("preview-run")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("preview-result")));
                assertThat(browser.findElement(By.id("preview-result")).getDomAttribute("data-changed")).isEqualTo("5");

                browser.findElement(By.id("logout")).click();
                wait.until(ExpectedConditions.urlToBe(f.base + "/login"));
            }
        }
    }
}

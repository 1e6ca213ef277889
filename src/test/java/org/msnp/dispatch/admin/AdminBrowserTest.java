package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Logging in to the admin listener in headless Chromium, driven by Selenium through the system's
 * ChromeDriver (nothing is downloaded). Needs the Debian packages {@code chromium} and
 * {@code chromium-driver}; without them the test fails and says so.
 */
class AdminBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    static void requireBrowser() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        if (!missing.isEmpty()) {
            fail("the browser tests need Chromium and ChromeDriver, missing: " + String.join(", ", missing)
                    + " — install them with: apt-get update && apt-get install -y chromium chromium-driver");
        }
    }

    static WebDriver chromium(ChromeDriverService service, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1024,768");
        return new ChromeDriver(service, options);
    }

    @Test
    void aBrowserIsSentToTheLoginPageAndInWithTheRightPassword() throws Exception {
        requireBrowser();
        try (AdminFixture f = new AdminFixture(dir, "")) {
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            WebDriver browser = chromium(service, Files.createDirectory(dir.resolve("profile")));
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(f.base + "/");
                wait.until(ExpectedConditions.urlToBe(f.base + "/login"));
                assertThat(browser.getTitle()).isEqualTo("msnp-dispatch: log in");
                assertThat(browser.findElements(By.id("error"))).isEmpty();

                browser.findElement(By.id("password")).sendKeys("not the password");
                browser.findElement(By.id("login")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
                assertThat(browser.findElement(By.id("error")).getText()).isEqualTo("Wrong password.");
                assertThat(browser.manage().getCookieNamed("msnp_admin")).isNull();
                Files.write(Path.of("target", "admin-login.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

                browser.findElement(By.id("password")).sendKeys(AdminFixture.PASSWORD);
                browser.findElement(By.id("login")).click();
                wait.until(ExpectedConditions.urlToBe(f.base + "/"));
                wait.until(ExpectedConditions.titleIs("msnp-dispatch"));
                assertThat(browser.findElement(By.id("console")).getText()).contains("Metrics", "Health");

                Cookie session = browser.manage().getCookieNamed("msnp_admin");
                assertThat(session).isNotNull();
                assertThat(session.isHttpOnly()).isTrue();
                assertThat(session.getSameSite()).isEqualTo("Strict");
                assertThat(session.isSecure()).isFalse();
                assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.cookie"))
                        .as("scripts cannot read the session cookie").doesNotContain("msnp_admin");
                Files.write(Path.of("target", "admin-console.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

                browser.findElement(By.id("logout")).click();
                wait.until(ExpectedConditions.urlToBe(f.base + "/login"));
                browser.get(f.base + "/");
                wait.until(ExpectedConditions.urlToBe(f.base + "/login"));
            } finally {
                browser.quit();
                service.stop();
            }
        }
    }
}

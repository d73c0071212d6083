package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.dist.Distribution.Started;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The status page in a real browser: Debian's {@code chromium}, driven through
 * {@code chromium-driver} by Selenium, against the distribution fed the sample events over HTTP.
 * Screenshots are kept in {@code target/status-page/}.
 */
class StatusPageIT {

    private static final String TOKEN = "page-token";
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    private static final Path SCREENSHOTS = Path.of("target/status-page");
    private static Path chromium;
    private static Path chromedriver;

    @TempDir
    Path root;

    private Started host;
    private URI base;
    private ChromeDriver browser;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void findTheBrowser() {
        chromium = executable("chromium", "chromium-browser").orElse(null);
        chromedriver = executable("chromedriver", "chromium-driver").orElse(null);
        String missing = "the status page's tests need Debian's chromium and chromium-driver: "
                + "apt-get install chromium chromium-driver (.ci/run installs them)";
        if (chromium == null || chromedriver == null) {
            // On CI a missing browser is a failure, never a silent skip.
            assertThat(System.getenv("CI")).as(missing).isNull();
            Assumptions.abort(missing);
        }
    }

    private static Optional<Path> executable(String... names) {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : names) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    @BeforeEach
    void start() throws Exception {
        Distribution dist = new Distribution(root);
        dist.writeManifest("""
                reload: {watch: false}
                http: {port: 0, token: "${MONITOR_TOKEN}"}
                observers:
                  - name: retrain-on-concept-drift
                    type: retraining-trigger
                    events: [concept_drift]
                    strategy:
                      type: p-value
                      config: {alpha: 0.01}
                    config: {cooldown: 10m}
                """);
        host = dist.start(Map.of("MONITOR_TOKEN", TOKEN), "run", "--config", dist.manifest().toString());
        Pattern listening = Pattern.compile("http ingest listening on 127\\.0\\.0\\.1:(\\d+)");
        await().atMost(Duration.ofSeconds(30)).until(() -> listening.matcher(host.stderr()).find());
        Matcher matcher = listening.matcher(host.stderr());
        assertThat(matcher.find()).isTrue();
        base = URI.create("http://127.0.0.1:" + matcher.group(1));

        String events = Files.readString(Distribution.HOME.resolve("examples/events.jsonl"));
        String hostile = "{\"type\":\"concept_drift\",\"model\":\"" + HOSTILE.replace("\"", "\\\"")
                + "\",\"version\":\"v1\",\"p_value\":0.5,\"ts\":\"2026-11-26T10:00:00Z\"}\n";
        HttpResponse<String> posted = post(events + hostile);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        assertThat(posted.body()).startsWith("{\"accepted\":61,");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1100");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (host != null) {
            host.process().destroy();
        }
    }

    private HttpResponse<String> post(String ndjson) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve("/v1/events")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens {@code path} with the token in the fragment and waits until the page has drawn its data. */
    private void open(String path) {
        browser.get(base.resolve(path) + "#token=" + TOKEN);
        awaitReady();
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    /** The overview's model rows: name, version, health. */
    private List<List<String>> modelRows() {
        return browser.findElements(By.cssSelector("#models tbody tr")).stream().map(row -> {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            return List.of(cells.get(0).getText(), cells.get(1).getText(), cells.get(2).getText());
        }).toList();
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The browser's console: no JavaScript error, and no failed request but those {@code allowed} names. */
    private List<LogEntry> assertNoErrorsLogged(String... allowed) {
        List<LogEntry> logged = browser.manage().logs().get(LogType.BROWSER).getAll();
        List<LogEntry> severe = logged.stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(entry -> Stream.of(allowed).noneMatch(entry.getMessage()::contains)).toList();
        assertThat(severe).as("browser console").isEmpty();
        return logged;
    }

    @Test
    void theOverviewShowsBothSampleModelsWithTheirHealth(TestInfo test) throws Exception {
        open("/");
        assertThat(modelRows()).containsExactly(
                List.of("object_detector", "v1.2.3", "drift"),
                List.of(HOSTILE, "v1", "ok"),
                List.of("fraud_scorer", "v2.0.1", "ok"));
        assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain(TOKEN);
        assertThat(browser.findElements(By.cssSelector("#models tbody tr canvas"))).as("small charts").hasSize(3);
        assertThat(browser.findElement(By.id("observers")).getText()).contains("retrain-on-concept-drift");
        assertThat(browser.findElement(By.id("plugins")).getText()).contains("retraining-trigger", "drift-strategies");

        browser.findElement(By.id("filter")).sendKeys("fraud");
        await().atMost(Duration.ofSeconds(10)).until(() -> modelRows().size() == 1);
        assertThat(modelRows()).containsExactly(List.of("fraud_scorer", "v2.0.1", "ok"));
        browser.findElement(By.id("filter")).clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> modelRows().size() == 3);
        screenshot("overview");
        assertNoErrorsLogged();
    }

    @Test
    void theOverviewUpdatesItsRowsInPlace() throws Exception {
        open("/");
        WebElement row = browser.findElement(By.xpath("//tbody/tr[td/a[text()='fraud_scorer']]"));
        assertThat(row.findElements(By.tagName("td")).get(3).getText()).isEqualTo("30");
        assertThat(post("{\"type\":\"inference_latency\",\"model\":\"fraud_scorer\",\"version\":\"v2.0.1\","
                + "\"latency_ms\":44,\"ts\":\"2026-11-26T10:29:30Z\"}\n").statusCode()).isEqualTo(202);
        // the same row element, its cell updated by the 2 s refresh: not rebuilt, so nothing flickers
        await().atMost(Duration.ofSeconds(15)).until(() -> row.findElements(By.tagName("td")).get(3).getText()
                .equals("31"));
        assertNoErrorsLogged();
    }

    @Test
    void theModelPageDrawsFourChartsWithPointsAndATriggerMarker() throws Exception {
        open("/model?model=object_detector&version=v1.2.3");
        List<WebElement> charts = browser.findElements(By.cssSelector("figure.chart"));
        assertThat(charts).extracting(chart -> chart.getAttribute("data-chart"))
                .containsExactly("latency", "drift", "pvalue", "score");
        for (WebElement chart : charts) {
            assertThat(Integer.parseInt(chart.getAttribute("data-points"))).as(chart.getAttribute("data-chart"))
                    .isPositive();
            Object drawn = ((JavascriptExecutor) browser).executeScript("""
                    const canvas = arguments[0].querySelector('canvas');
                    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                    let painted = 0;
                    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
                    return painted;""", chart);
            assertThat(((Number) drawn).longValue()).as("painted pixels of " + chart.getAttribute("data-chart"))
                    .isGreaterThan(1000);
        }
        WebElement score = charts.get(3);
        assertThat(Integer.parseInt(score.getAttribute("data-triggers"))).as("trigger markers").isEqualTo(1);
        assertThat(browser.findElement(By.id("model-health")).getText()).isEqualTo("drift");
        screenshot("model");

        score.findElement(By.cssSelector("button[data-range='24h']")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(
                score.findElement(By.cssSelector("button[data-range='24h']")).getAttribute("aria-pressed")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.parseInt(score.getAttribute("data-points")) > 0);
        assertNoErrorsLogged();
    }

    @Test
    void aModelNameWithMarkupShowsAsText() throws Exception {
        open("/");
        assertThat(browser.findElements(By.linkText(HOSTILE))).hasSize(1);
        browser.findElement(By.linkText(HOSTILE)).click();
        awaitReady();
        assertThat(browser.findElement(By.id("model-name")).getText()).isEqualTo(HOSTILE);
        assertThat(browser.findElements(By.tagName("img"))).as("no element made from a model name").isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).as("no alert ran").isInstanceOf(NoAlertPresentException.class);
        assertNoErrorsLogged();
    }

    @Test
    void withoutTheTokenThePageShowsNoDataAndTheApiAnswers401() throws Exception {
        browser.get(base.resolve("/").toString());
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("token-form")).isDisplayed());
        assertThat(browser.findElement(By.id("content")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#models tbody tr"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("object_detector");

        browser.findElement(By.id("token-input")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#token-form button")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElement(By.id("token-problem")).getText()
                .equals("That token was refused."));
        assertThat(browser.getPageSource()).doesNotContain("object_detector");

        browser.findElement(By.id("token-input")).clear();
        browser.findElement(By.id("token-input")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("#token-form button")).click();
        awaitReady();
        assertThat(modelRows()).hasSize(3);

        for (String path : List.of("/v1/models", "/v1/series?model=fraud_scorer&version=v2.0.1&range=1h",
                "/v1/observers", "/v1/plugins", "/v1/reloads", "/healthz", "/metrics")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
        }
        for (String path : List.of("/", "/model", "/static/status.js", "/static/uPlot.min.js")) {
            assertThat(get(path, null).statusCode()).as(path + " is public").isEqualTo(200);
        }
        // the page's own requests without the token: the 401s are the expected answers, and they
        // show that the console is read at all
        assertThat(assertNoErrorsLogged("401")).anyMatch(entry -> entry.getMessage().contains("401"));
    }
}

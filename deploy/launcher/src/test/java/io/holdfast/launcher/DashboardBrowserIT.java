package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.holdfast.launcher.browser.HeadlessChromium;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dashboard end to end in a real browser (Debian's headless Chromium, installed by the test when
 * missing) while {@code holdfast dev --scenario degraded-primary} plays: the page shows the fleet,
 * then the primary's volume turning DEGRADED, then the shard's primary changing; automation is paused
 * and resumed from the page's buttons (through the control topic, read back by the page); the scenario
 * itself passes. Screenshots of each step are saved under {@code target/dashboard/}.
 */
class DashboardBrowserIT {

    private static final Path SHOTS = Path.of("target", "dashboard");
    private static final Path LOGS = Path.of("target", "it-logs", "scenarios");

    @Test
    void dashboardShowsDegradationAndReparentAndPausesAndResumesFromThePage() throws Exception {
        Path chromium = HeadlessChromium.ensureInstalled(Duration.ofMinutes(10));
        Path dir = Files.createTempDirectory("holdfast-dashboard-");
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/";
        try (LauncherProcess dev = new LauncherProcess("degraded-primary-with-browser", LOGS, "dev", "--scenario", "degraded-primary",
                "--dir", dir.toString(), "--http-port", Integer.toString(port), "--linger", "300")) {
            dev.start();
            awaitDashboard(url, dev);
            try (HeadlessChromium browser = HeadlessChromium.launch(chromium, dir.resolve("chromium-profile"), 1400, 1000)) {
                browser.navigate(url, Duration.ofSeconds(30));
                assertTrue(browser.waitFor("window.holdfastUpdates > 0 && document.querySelectorAll('section.shard').length >= 8",
                        Duration.ofMinutes(2), Duration.ofMillis(250)), "the page shows the 8 shards of the dev fleet");
                browser.screenshot(SHOTS.resolve("1-fleet.png"));

                assertTrue(browser.waitFor("document.querySelector('.tablet[data-health=\"DEGRADED\"]') !== null",
                        Duration.ofMinutes(4), Duration.ofMillis(200)), "a volume turns DEGRADED on the page:\n" + dev.logTail());
                String degraded = browser.eval("document.querySelector('.tablet[data-health=\"DEGRADED\"]').dataset.alias").asText();
                String shard = browser.eval("document.querySelector('.tablet[data-health=\"DEGRADED\"]').closest('section.shard')"
                        + ".dataset.shard").asText();
                String shardSelector = "section.shard[data-shard=\"" + shard + "\"]";
                browser.screenshot(SHOTS.resolve("2-degraded.png"));
                System.out.printf("dashboard IT: %s of %s shown DEGRADED (primary on the page: %s)%n", degraded, shard,
                        browser.attribute(shardSelector, "data-primary"));

                assertTrue(browser.waitFor("(() => { const s = document.querySelector('" + shardSelector.replace("'", "\\'") + "');"
                                + " return s !== null && s.dataset.primary !== '' && s.dataset.primary !== '" + degraded + "'; })()",
                        Duration.ofMinutes(2), Duration.ofMillis(200)), "the shard's primary changes on the page:\n" + dev.logTail());
                String newPrimary = browser.attribute(shardSelector, "data-primary");
                browser.screenshot(SHOTS.resolve("3-reparented.png"));
                System.out.printf("dashboard IT: primary of %s shown changing from %s to %s%n", shard, degraded, newPrimary);

                browser.setValue("#control-reason", "browser test: pause");
                browser.click("#btn-pause");
                assertTrue(browser.waitFor("document.querySelector('#automation-state').textContent.trim() === 'PAUSED'",
                        Duration.ofSeconds(30), Duration.ofMillis(200)), "paused from the page: " + browser.text("#control-result"));
                assertTrue(browser.text("#instructions").contains("browser test: pause"), "the instruction in force is listed");
                browser.screenshot(SHOTS.resolve("4-paused.png"));

                browser.setValue("#control-reason", "browser test: resume");
                browser.click("#btn-resume");
                assertTrue(browser.waitFor("document.querySelector('#automation-state').textContent.trim() === 'RUNNING'",
                        Duration.ofSeconds(30), Duration.ofMillis(200)), "resumed from the page: " + browser.text("#control-result"));
                browser.screenshot(SHOTS.resolve("5-resumed.png"));
                assertEquals(java.util.List.of(), browser.pageErrors(), "no JavaScript error on the page");
            }
            JsonNode result = awaitScenarioResult(dir.resolve("scenario-result.json"), dev);
            System.out.println(DevScenarioIT.summary(Files.readString(dev.log())));
            assertTrue(result.path("passed").asBoolean(), result.toPrettyString());
            assertEquals(0, dev.stop(), "holdfast dev ends with the scenario's verdict:\n" + dev.logTail());
        }
    }

    private static void awaitDashboard(String url, LauncherProcess dev) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline) {
            if (!dev.isAlive()) {
                fail("holdfast dev ended before the dashboard was up:\n" + dev.logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "api/overview")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        fail("the dashboard did not answer within 4 minutes:\n" + dev.logTail());
    }

    /** The scenario's summary, moved into place when it ends (the process then lingers for the browser). */
    private static JsonNode awaitScenarioResult(Path file, LauncherProcess dev) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && !Files.exists(file)) {
            if (!dev.isAlive()) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(Files.exists(file), "the scenario wrote no summary:\n" + dev.logTail());
        JsonNode result = new ObjectMapper().readTree(file.toFile());
        assertNotNull(result);
        return result;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

package dev.outbox.relay.lag;

import dev.outbox.consumer.FreshnessMetadata;
import dev.outbox.relay.support.RelayProcess;
import dev.outbox.relay.support.RelayUnderTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The relay's status page in a real headless browser (Debian's chromium through its chromedriver): opened after a
 * load, it draws the load at once from the relay's memory, with axes; it shows the engine streaming, a consumer
 * group's backlog and staleness (growing while no member runs) and then the backlog draining and the group's
 * freshness once it committed; beside it the relay serves its OpenAPI document and Swagger UI.
 * Without the browser the test reports itself skipped; .ci/run installs it.
 */
class StatusPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String GROUP = "status-page-readers";
    private static final int EVENTS = 600;

    WebDriver browser;

    @BeforeAll
    static void needsABrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /**
     * Opened after a load, the page draws it at once from what the relay remembers (points from before the page was
     * opened), with time and value axes; then it watches live as the backlog drains.
     */
    @Test
    void aPageOpenedAfterALoadDrawsItAtOnceThenWatchesTheBacklogDrain() throws Exception {
        RelayUnderTest world = RelayUnderTest.named("status_page");
        List<TopicPartition> partitions = IntStream.range(0, 3)
                .mapToObj(p -> new TopicPartition(world.eventsTopic, p)).toList();
        try (RelayProcess relay = world.startRelay(Map.of()); Admin admin = world.kafka.admin()) {
            // Beside the page, the same figures as an API: its OpenAPI document and Swagger UI.
            RestAssured.get(relay.url() + "/q/openapi?format=json").then().statusCode(200)
                    .body("paths.'/lag'.get", notNullValue()).body("paths.'/lag/groups'.get", notNullValue())
                    .body("paths.'/lag/history'.get", notNullValue());
            RestAssured.get(relay.url() + "/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));

            // The load, before anyone looks. A group that has read nothing yet: everything the relay writes from now
            // on is its backlog. No member runs: the relay reads its staleness from Kafka alone.
            commit(admin, partitions, offset -> 0L, partition -> "");
            long publishedFrom = System.currentTimeMillis();
            world.database.publish(List.of("1", "2", "3"), EVENTS / 3);
            await("the load in the relay's memory").atMost(DEADLINE).until(() -> {
                JsonPath remembered = RestAssured.get(relay.url() + "/lag/history").then().statusCode(200)
                        .extract().jsonPath();
                return remembered.getList("samples.groups.'" + GROUP + "'.lag").contains(EVENTS)
                        && remembered.getList("samples.events_per_second").stream()
                        .anyMatch(rate -> rate instanceof Number number && number.doubleValue() > 0);
            });
            double stale = groupFigure(relay, "staleness_seconds");
            assertThat(stale).as("staleness of the group behind, s").isPositive()
                    .isLessThanOrEqualTo((System.currentTimeMillis() - publishedFrom) / 1000.0);
            await("the stalled group grows staler").atMost(DEADLINE)
                    .until(() -> groupFigure(relay, "staleness_seconds") > stale);
            await("its staleness on /q/metrics").atMost(DEADLINE)
                    .until(() -> metric(relay, "relay_group_staleness_seconds{group=\"" + GROUP + "\"}") > 0);

            long pageOpenedAt = System.currentTimeMillis();
            browser = headlessChromium();
            browser.get(relay.url() + "/status");
            await("the page shows the engine streaming").atMost(DEADLINE)
                    .until(() -> "STREAMING".equals(read("#engine-state", "el.textContent")));
            assertThat(drawnBefore("group:" + GROUP, pageOpenedAt)).as("the backlog, drawn from the relay's memory")
                    .contains((double) EVENTS);
            assertThat(drawnBefore("events_per_second", pageOpenedAt)).anyMatch(rate -> rate > 0);
            assertThat(drawnBefore("staleness:" + GROUP, pageOpenedAt)).anyMatch(staleness -> staleness > 0);
            assertThat(ticks("#chart-staleness", "tick-y")).as("the value axis, in seconds").hasSize(3)
                    .allMatch(label -> label.matches("[0-9.,]+ (s|min)"));
            assertThat(ticks("#chart-groups", "tick-x")).as("the time axis, clock times").isNotEmpty()
                    .allMatch(label -> label.matches("\\d\\d:\\d\\d"));
            assertThat(read("tr[data-group='" + GROUP + "']", "el.textContent"))
                    .contains(GROUP).contains(Integer.toString(EVENTS));
            await("its staleness in the table").atMost(DEADLINE).until(() -> Double.parseDouble(
                    read("tr[data-group='" + GROUP + "'] td.staleness", "el.dataset.value")) > 0);

            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(Map.of(partitions.get(0), OffsetSpec.latest(), partitions.get(1), OffsetSpec.latest(),
                    partitions.get(2), OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            // Caught up, as a member commits: with its last event's commit and apply times (event-consumer's format).
            long appliedAt = System.currentTimeMillis();
            Map<TopicPartition, Long> freshnessMillis = Map.of(partitions.get(0), 100L, partitions.get(1), 250L,
                    partitions.get(2), 400L);
            commit(admin, partitions, ends::get, partition ->
                    new FreshnessMetadata(appliedAt - freshnessMillis.get(partition), appliedAt).text());
            await("the backlog drained on the chart").atMost(DEADLINE).until(() -> {
                List<Long> lag = groupSeries();
                return !lag.isEmpty() && lag.get(lag.size() - 1) == 0 && lag.contains((long) EVENTS);
            });
            assertThat(read("polyline[data-series='group:" + GROUP + "']", "el.getAttribute('points')")).isNotBlank();
            assertThat(groupFigure(relay, "staleness_seconds")).as("staleness caught up").isZero();
            assertThat(groupFigure(relay, "freshness_p50_seconds")).isEqualTo(0.25);
            assertThat(groupFigure(relay, "freshness_p99_seconds")).isEqualTo(0.4);
            await("the freshness in the table").atMost(DEADLINE).until(() -> "0.25".equals(
                    read("tr[data-group='" + GROUP + "'] td.freshness-p50", "el.dataset.value")));
            await("the freshness on the chart").atMost(DEADLINE)
                    .until(() -> drawn("freshness-p99:" + GROUP).contains(0.4));
            await("the freshness on /q/metrics").atMost(DEADLINE).until(() -> metric(relay,
                    "relay_group_freshness_seconds{group=\"" + GROUP + "\",quantile=\"0.99\"}") == 0.4);
        } finally {
            world.dropSlot();
        }
    }

    /** The values a chart line drew for samples taken before {@code beforeMillis}, oldest first. */
    private List<Double> drawnBefore(String name, long beforeMillis) {
        String drawn = read("polyline[data-series='" + name + "']", "el.dataset.values + '|' + el.dataset.times");
        if (drawn == null) {
            return List.of();
        }
        String[] values = drawn.split("\\|", -1)[0].split(",", -1);
        String[] times = drawn.split("\\|", -1)[1].split(",", -1);
        return IntStream.range(0, values.length)
                .filter(i -> !values[i].isEmpty() && Long.parseLong(times[i]) < beforeMillis)
                .mapToObj(i -> Double.parseDouble(values[i])).toList();
    }

    private List<Double> drawn(String name) {
        return drawnBefore(name, Long.MAX_VALUE);
    }

    /** The labels along one axis of a chart ({@code tick-x}: time, {@code tick-y}: value). */
    private List<String> ticks(String chart, String axis) {
        String labels = read(chart, "[...el.querySelectorAll('text." + axis + "')].map(t => t.textContent).join('|')");
        return labels == null || labels.isEmpty() ? List.of() : List.of(labels.split("\\|"));
    }

    /** A figure of the group in {@code GET /lag/groups}. */
    private static double groupFigure(RelayProcess relay, String figure) {
        return RestAssured.get(relay.url() + "/lag/groups").then().statusCode(200).extract().jsonPath()
                .getDouble("groups.find { it.group == '" + GROUP + "' }." + figure);
    }

    /** The value of one series on /q/metrics; NaN when it is not there. */
    private static double metric(RelayProcess relay, String series) {
        return relay.metrics().lines().filter(line -> line.startsWith(series + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim())).orElse(Double.NaN);
    }

    private List<Long> groupSeries() {
        return series("group:" + GROUP);
    }

    /** The raw values a chart line was drawn from, oldest first; gaps (no sample) left out. */
    private List<Long> series(String name) {
        String values = read("polyline[data-series='" + name + "']", "el.dataset.values");
        if (values == null) {
            return List.of();
        }
        return Arrays.stream(values.split(","))
                .filter(value -> !value.isEmpty())
                .map(value -> Math.round(Double.parseDouble(value)))
                .toList();
    }

    /**
     * Evaluates {@code expression} on the element matching {@code selector} in one script, since the page redraws
     * every second and an element found in one call may be gone by the next; null when nothing matches.
     */
    private String read(String selector, String expression) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const el = document.querySelector(arguments[0]); return el ? String(" + expression + ") : null;",
                selector);
    }

    private static void commit(Admin admin, List<TopicPartition> partitions, Function<TopicPartition, Long> offset,
                               Function<TopicPartition, String> metadata) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach(partition -> offsets.put(partition,
                new OffsetAndMetadata(offset.apply(partition), metadata.apply(partition))));
        admin.alterConsumerGroupOffsets(GROUP, offsets).all().get(10, TimeUnit.SECONDS);
    }

    private static WebDriver headlessChromium() {
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                // Root in a container: no sandbox; a small /dev/shm: use /tmp.
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(driver, options);
    }
}

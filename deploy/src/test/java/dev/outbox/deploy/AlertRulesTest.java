package dev.outbox.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert rules' unit tests, {@code deploy/prometheus/alerts.test.yml}, run by Prometheus' own {@code promtool}:
 * each alert fires on a series that should fire it and stays quiet on one that should not. Without promtool (Debian's
 * {@code prometheus} package) the test reports itself skipped; .ci/run installs it, so CI never skips it.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("..", "deploy", "prometheus");

    @Test
    void everyAlertFiresOnItsSeriesAndStaysQuietOnTheOthers() throws Exception {
        Path promtool = promtool();
        Process process = new ProcessBuilder(promtool.toString(), "test", "rules", "alerts.test.yml")
                .directory(RULES.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished within 60 s").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void everyAlertHasATest() throws IOException {
        String rules = Files.readString(RULES.resolve("alerts.yml"));
        String tests = Files.readString(RULES.resolve("alerts.test.yml"));
        Stream.of(rules.split("\n")).map(String::strip).filter(line -> line.startsWith("- alert:"))
                .map(line -> line.substring("- alert:".length()).strip())
                .forEach(alert -> assertThat(tests).as("a test of %s", alert).contains("alertname: " + alert));
    }

    private static Path promtool() {
        Path promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(directory -> Path.of(directory, "promtool")).filter(Files::isExecutable)
                .findFirst().orElse(null);
        assumeTrue(promtool != null, "needs promtool: apt-get install prometheus");
        return promtool;
    }
}

package dev.outbox.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL that ops will run: the Prometheus alert rules' expressions and the Grafana dashboard's, read from the
 * files under {@code deploy/}, and the metric names each one reads.
 */
public final class MonitoringQueries {

    /** Label matchers, range selectors and grouping clauses hold label names and durations, not metric names. */
    private static final Pattern NOT_METRICS = Pattern.compile(
            "\\{[^}]*}|\\[[^]]*]|\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** An identifier not called as a function (rate, histogram_quantile, ...). */
    private static final Pattern IDENTIFIER = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");
    /** Series Prometheus writes itself for every target and rule, not scraped from a service. */
    private static final Pattern PROMETHEUS_OWN = Pattern.compile("up|scrape_[a-z_]+|ALERTS(?:_FOR_STATE)?");

    private MonitoringQueries() {
    }

    /** Every alert rule's expression, from {@code deploy/prometheus/alerts.yml} under {@code root}. */
    public static List<String> alertExpressions(Path root) {
        Map<String, Object> rules;
        try (Reader file = Files.newBufferedReader(root.resolve("deploy/prometheus/alerts.yml"))) {
            rules = new Yaml().load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> expressions = new ArrayList<>();
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                expressions.add(String.valueOf(((Map<?, ?>) rule).get("expr")));
            }
        }
        return expressions;
    }

    /** Every panel target's expression, from {@code deploy/grafana/dashboards/outbox.json} under {@code root}. */
    public static List<String> dashboardExpressions(Path root) {
        JsonNode dashboard;
        try {
            dashboard = new ObjectMapper().readTree(root.resolve("deploy/grafana/dashboards/outbox.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> expressions = new ArrayList<>();
        dashboard.get("panels").forEach(panel -> panel.get("targets")
                .forEach(target -> expressions.add(target.get("expr").asText())));
        return expressions;
    }

    /**
     * The metrics an expression needs from the scraped services, e.g. {@code relay_events_total} in
     * {@code sum(rate(relay_events_total[1m])) and up == 1}: not {@code up}, {@code scrape_*} or {@code ALERTS}, which
     * Prometheus writes itself.
     */
    public static Set<String> scrapedMetricNames(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(NOT_METRICS.matcher(expression).replaceAll(" "));
        while (identifier.find()) {
            String name = identifier.group(1);
            if (!KEYWORDS.contains(name.toLowerCase()) && !PROMETHEUS_OWN.matcher(name).matches()) {
                names.add(name);
            }
        }
        return names;
    }
}

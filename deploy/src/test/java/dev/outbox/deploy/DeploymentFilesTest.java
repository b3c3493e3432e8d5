package dev.outbox.deploy;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so docker-compose.yml and the Prometheus and Grafana files are checked against the
 * applications themselves: the environment variables each reads (its application.properties), its HTTP port and the
 * files the compose file mounts. That the alerts and the dashboard read only metrics the services expose is checked
 * against their scraped {@code /q/metrics} (local-pipeline's LocalPipelineIT).
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> APPS = List.of("blog-app", "cdc-relay", "analytics-consumer", "search-indexer");
    /** Read by deploy/Dockerfile's entry point, not by the application. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+):");
    private static final Pattern HTTP_PORT = Pattern.compile("quarkus\\.http\\.port=\\$\\{([A-Z0-9_]+):(\\d+)}");

    private final Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Object> services = map(compose.get("services"));

    @Test
    void everyServiceIsBuiltFromItsOwnModuleWithTheSharedDockerfile() {
        assertThat(services).containsKeys("postgres", "kafka", "kafka-init", "db-setup", "prometheus", "grafana");
        assertThat(services).containsKeys(APPS.toArray(String[]::new));
        for (String app : APPS) {
            Map<String, Object> build = map(service(app).get("build"));
            assertThat(build.get("context")).as(app).isEqualTo(".");
            assertThat(ROOT.resolve((String) build.get("dockerfile"))).as(app).isRegularFile();
            assertThat(map(build.get("args")).get("MODULE")).as(app).isEqualTo(app);
            assertThat(ROOT.resolve(app).resolve("pom.xml")).isRegularFile();
        }
    }

    @Test
    void everyServiceRunsG1WithAFixedHeapThatLeavesItsMemoryLimitRoomForTheRestOfTheJvm() {
        // Under a limit below ~1.8 GiB the JVM would pick the serial collector and size the heap from the limit;
        // the heaps were measured with G1 (docs/benchmarks.md, "Memory").
        Pattern heap = Pattern.compile("_JAVA_OPTS:--XX:\\+UseG1GC -Xmx(\\d+)m}");
        for (String app : APPS) {
            Matcher options = heap.matcher(String.valueOf(environment(app).get("JAVA_OPTS")));
            assertThat(options.find()).as("JAVA_OPTS of %s: %s", app, environment(app).get("JAVA_OPTS")).isTrue();
            int limitMib = Integer.parseInt(String.valueOf(service(app).get("mem_limit")).replace("m", ""));
            assertThat(Integer.parseInt(options.group(1))).as("heap of %s in MiB", app)
                    .isLessThanOrEqualTo(limitMib * 3 / 8);
        }
    }

    @Test
    void aStandbyRelayRunsBesideTheActiveOneWithTheSameSettingsItsOwnPortAndIsScraped() {
        Map<String, Object> standby = service("cdc-relay-standby");
        Map<String, Object> active = service("cdc-relay");
        for (String key : List.of("build", "environment", "healthcheck", "depends_on", "restart", "mem_limit")) {
            assertThat(standby.get(key)).as(key).isEqualTo(active.get(key));
        }
        assertThat(strings(standby.get("ports"))).singleElement().asString()
                .isNotEqualTo(strings(active.get("ports")).get(0)).endsWith(":8081");
        Map<String, Object> prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        assertThat(prometheus.get("scrape_configs").toString()).contains("cdc-relay-standby:8081");
    }

    /**
     * The broker compose runs is the Kafka the tests run (the client's version, which the embedded broker shares), and
     * every topic it creates requires the in-sync replicas compose is told to (1 on its one broker; 2 of 3 in
     * production, README "Deploying with Docker Compose"), with the relay producing acks=all.
     */
    @Test
    void kafkaIsTheTestedVersionAndEveryTopicRequiresInSyncReplicas() throws IOException {
        for (String name : List.of("kafka", "kafka-init")) {
            assertThat(service(name).get("image")).as(name).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        }
        assertThat(environment("kafka-init")).containsEntry("MIN_INSYNC_REPLICAS", "${KAFKA_MIN_INSYNC_REPLICAS:-1}")
                .containsEntry("REPLICATION_FACTOR", "${KAFKA_REPLICATION_FACTOR:-1}");
        String createTopics = Files.readString(ROOT.resolve("deploy/kafka/create-topics.sh"));
        assertThat(createTopics.split("--create", -1)).hasSize(4);
        assertThat(createTopics.split("--config min.insync.replicas=\"\\$MIN_INSYNC_REPLICAS\"", -1)).hasSize(4);
    }

    @Test
    void everyLongRunningServiceIsRestartedWhenItExitsAndNoOneShotIs() {
        for (String name : services.keySet()) {
            Object restart = service(name).get("restart");
            if (List.of("kafka-init", "db-setup").contains(name)) {
                assertThat(restart).as("one-shot %s", name).isNull();
            } else {
                assertThat(restart).as("restart policy of %s", name).isEqualTo("unless-stopped");
            }
        }
    }

    @Test
    void everyVariableAnApplicationReadsIsSetAndNoUnknownOneIs() {
        for (String app : APPS) {
            Set<String> read = variablesRead(app);
            Set<String> set = new TreeSet<>(map(service(app).get("environment")).keySet());
            set.removeAll(IMAGE_VARIABLES);
            assertThat(set).as("environment of %s", app).isEqualTo(read);
        }
    }

    @Test
    void healthChecksProbeReadinessOnEachApplicationsPortAndTheStartOrderWaitsForThem() {
        for (String app : APPS) {
            Map<String, Object> service = service(app);
            Matcher port = HTTP_PORT.matcher(applicationProperties(app));
            assertThat(port.find()).as("%s sets quarkus.http.port from a variable", app).isTrue();
            assertThat(String.valueOf(map(service.get("environment")).get(port.group(1)))).isEqualTo(port.group(2));
            assertThat(String.join(" ", strings(map(service.get("healthcheck")).get("test"))))
                    .contains("http://localhost:" + port.group(2) + "/q/health/ready");
            assertThat(strings(service.get("ports"))).singleElement().asString().endsWith(":" + port.group(2));
        }
        services.forEach((name, definition) -> map(map(definition).getOrDefault("depends_on", Map.of()))
                .forEach((dependency, how) -> {
                    String condition = (String) map(how).get("condition");
                    assertThat(services).as("%s depends on %s", name, dependency).containsKey(dependency);
                    if (condition.equals("service_healthy")) {
                        assertThat(service(dependency)).as("%s, which %s waits for", dependency, name)
                                .containsKey("healthcheck");
                    } else {
                        assertThat(condition).isEqualTo("service_completed_successfully");
                        assertThat(service(dependency)).as("one-shot %s", dependency).containsKey("entrypoint");
                    }
                }));
        for (String app : APPS) {
            Set<String> before = startsAfter(app);
            if (variablesRead(app).stream().anyMatch(variable -> variable.endsWith("_DB_URL"))) {
                assertThat(before).as("%s starts after", app).contains("postgres");
            }
            if (variablesRead(app).contains("KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(before).as("%s starts after", app).contains("kafka", "kafka-init");
            }
        }
        assertThat(startsAfter("cdc-relay")).as("the relay needs blog-app's tables and the publication")
                .contains("blog-app", "db-setup");
    }

    @Test
    void postgresDecodesLogicallyAndTheRelayHasALeastPrivilegeReplicationRole() throws IOException {
        assertThat(strings(service("postgres").get("command")))
                .contains("wal_level=logical")
                .anyMatch(setting -> setting.startsWith("max_slot_wal_keep_size="));
        String roles = Files.readString(ROOT.resolve("deploy/postgres/initdb/10-roles.sh"));
        assertThat(roles).contains("create role :\"relay_user\" login replication password")
                .contains("create role :\"blog_user\" login password")
                .contains("create role :\"analytics_user\" login password");
        assertThat(environment("postgres").get("RELAY_DB_USER")).isNotEqualTo(environment("postgres").get("POSTGRES_USER"));
        assertThat(environment("cdc-relay").get("RELAY_DB_USER")).isEqualTo(environment("postgres").get("RELAY_DB_USER"));
        assertThat(environment("db-setup").get("RELAY_PUBLICATION_NAME"))
                .isEqualTo(environment("cdc-relay").get("RELAY_PUBLICATION_NAME"));
        String setup = Files.readString(ROOT.resolve("deploy/postgres/setup/relay-and-analytics.sql"));
        // Exactly the tables the relay's filtered publication wants (RelayConfig's defaults), or Debezium alters it.
        assertThat(setup).contains("create publication %I for table public.outbox, public.relay_heartbeat")
                .contains("grant select on public.outbox to :\"relay_user\"")
                .contains("grant select (id, total_blogs), update (total_blogs) on public.users to :\"analytics_user\"");
        String relayConfig = Files.readString(ROOT.resolve(
                "cdc-relay/src/main/java/dev/outbox/relay/engine/RelayConfig.java"));
        assertThat(relayConfig).contains("@WithDefault(\"public.outbox\")").contains("@WithDefault(\"public.relay_heartbeat\")");
    }

    @Test
    void noSecretIsBakedIntoAnImageOrWrittenIntoTheComposeFile() throws IOException {
        assertThat(Files.readAllLines(ROOT.resolve("deploy/Dockerfile")))
                .filteredOn(line -> line.startsWith("ENV") || line.startsWith("ARG"))
                .isNotEmpty()
                .noneMatch(line -> line.toUpperCase().matches(".*(PASSWORD|SECRET|TOKEN).*"));
        services.forEach((name, definition) -> map(map(definition).getOrDefault("environment", Map.of()))
                .forEach((variable, value) -> {
                    if (variable.contains("PASSWORD") || variable.contains("TOKEN")) {
                        assertThat(String.valueOf(value)).as("%s of %s", variable, name).startsWith("${");
                    }
                }));
        // No laptop default for the operator token: compose refuses to start without it.
        assertThat(String.valueOf(environment("search-indexer").get("SEARCH_OPERATOR_TOKEN")))
                .startsWith("${SEARCH_OPERATOR_TOKEN:?");
    }

    @Test
    void noPasswordHasADefaultOnlyThePublicApisListenBeyondLoopbackAndEveryServiceHasAMemoryLimit()
            throws IOException {
        Set<String> publicApis = Set.of("blog-app", "search-indexer");
        services.forEach((name, definition) -> {
            Map<String, Object> service = map(definition);
            assertThat(service.get("mem_limit")).as("memory limit of %s", name).isNotNull();
            map(service.getOrDefault("environment", Map.of())).forEach((variable, value) -> {
                if (variable.contains("PASSWORD")) {
                    // Fails fast when unset, or (an optional credential, such as OpenSearch's) is empty: never a
                    // laptop password.
                    assertThat(String.valueOf(value)).as("%s of %s fails fast when unset or is empty", variable, name)
                            .matches("\\$\\{[A-Z_]+(:\\?.+|:-)}");
                }
            });
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                if (!publicApis.contains(name)) {
                    assertThat(String.valueOf(port)).as("port of %s", name)
                            .startsWith("${OPERATOR_BIND_ADDRESS:-127.0.0.1}:");
                }
            }
        });
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
        assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains(".env");
    }

    @Test
    void prometheusScrapesEveryApplicationAndAlertsOnSlotAndConsumerLag() {
        Map<String, Object> prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, String> targets = new LinkedHashMap<>();
        for (Object job : (List<?>) prometheus.get("scrape_configs")) {
            Map<String, Object> scrape = map(job);
            assertThat(scrape.get("metrics_path")).isEqualTo("/q/metrics");
            for (Object config : (List<?>) scrape.getOrDefault("static_configs", List.of())) {
                strings(map(config).get("targets")).forEach(target -> targets.put(target, (String) scrape.get("job_name")));
            }
            // A service with replicas: its name resolves to every container, each scraped on its own.
            for (Object config : (List<?>) scrape.getOrDefault("dns_sd_configs", List.of())) {
                strings(map(config).get("names")).forEach(name -> targets.put(name + ":" + map(config).get("port"),
                        (String) scrape.get("job_name")));
            }
        }
        for (String app : APPS) {
            String port = String.valueOf(environment(app).get(httpPortVariable(app)));
            assertThat(targets).containsEntry(app + ":" + port, app);
        }
        assertThat(strings(prometheus.get("rule_files"))).containsExactly("alerts.yml");
        assertThat(strings(service("prometheus").get("volumes"))).contains("./deploy/prometheus:/etc/prometheus:ro");
        assertThat(MonitoringQueries.alertExpressions(ROOT)).anyMatch(expr -> expr.contains("relay_slot_retained_bytes"))
                .anyMatch(expr -> expr.contains("relay_slot_active"))
                .anyMatch(expr -> expr.contains("analytics_consumer_lag"))
                .anyMatch(expr -> expr.contains("search_consumer_lag"));
    }

    @Test
    void grafanaProvisionsThePrometheusDatasourceAndADashboardForOps() throws IOException {
        Map<String, Object> datasource = map(((List<?>) yaml(
                ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")).get("datasources")).get(0));
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
        String dashboards = (String) map(map(((List<?>) yaml(
                ROOT.resolve("deploy/grafana/provisioning/dashboards/outbox.yml")).get("providers")).get(0))
                .get("options")).get("path");
        assertThat(strings(service("grafana").get("volumes"))).contains("./deploy/grafana/dashboards:" + dashboards + ":ro");
        assertThat(MonitoringQueries.dashboardExpressions(ROOT))
                .anyMatch(expr -> expr.contains("relay_slot_lag_bytes"))
                .anyMatch(expr -> expr.contains("relay_behind_source_seconds"))
                .anyMatch(expr -> expr.contains("rate(relay_events_total"))
                .anyMatch(expr -> expr.contains("rate(analytics_events_applied_total"))
                .anyMatch(expr -> expr.contains("rate(search_events_applied_total"))
                .anyMatch(expr -> expr.contains("uri=\"/blogs\""))
                .anyMatch(expr -> expr.contains("analytics_consumer_lag"))
                .anyMatch(expr -> expr.contains("search_consumer_lag"))
                .anyMatch(expr -> expr.contains("dead_lettered"))
                .anyMatch(expr -> expr.contains("histogram_quantile(0.99")
                        && expr.contains("search_opensearch_bulk_seconds_bucket"))
                .anyMatch(expr -> expr.contains("search_opensearch_bulk_failed_documents_total"));
    }

    @Test
    void searchRunsTwoMembersOfOneGroupOnAPinnedOpenSearchNodeThatOnlyTheComposeNetworkReaches() {
        Map<String, Object> openSearch = service("opensearch");
        assertThat(String.valueOf(openSearch.get("image"))).matches("opensearchproject/opensearch:2\\.19\\.\\d+");
        assertThat(openSearch).doesNotContainKey("ports");
        Map<String, Object> settings = environment("opensearch");
        assertThat(settings).containsEntry("discovery.type", "single-node")
                .containsEntry("DISABLE_SECURITY_PLUGIN", "true");
        assertThat(String.valueOf(openSearch.get("mem_limit"))).isEqualTo("2g");
        assertThat(String.valueOf(settings.get("OPENSEARCH_JAVA_OPTS"))).as("heap: half of mem_limit")
                .isEqualTo("-Xms1g -Xmx1g");
        assertThat(String.join(" ", strings(map(openSearch.get("healthcheck")).get("test"))))
                .contains("localhost:9200/_cluster/health?wait_for_status=yellow");

        Map<String, Object> search = service("search-indexer");
        assertThat(map(search.get("deploy")).get("replicas")).isEqualTo(2);
        assertThat(search).doesNotContainKey("container_name");
        assertThat(environment("search-indexer")).containsEntry("SEARCH_BACKEND", "opensearch")
                .containsEntry("SEARCH_OPENSEARCH_URL", "${SEARCH_OPENSEARCH_URL:-http://opensearch:9200}")
                .as("replicas share their environment, and a static member id must be unique per live member")
                .containsEntry("SEARCH_INSTANCE_ID", "");
        assertThat(String.valueOf(map(map(search.get("depends_on")).get("opensearch")).get("condition")))
                .isEqualTo("service_healthy");
        Matcher ports = Pattern.compile(".*:-(\\d+)-(\\d+)}:8083").matcher(strings(search.get("ports")).get(0));
        assertThat(ports.matches()).as("a host port range, one port per replica").isTrue();
        assertThat(Integer.parseInt(ports.group(2)) - Integer.parseInt(ports.group(1)) + 1).isEqualTo(2);
        assertThat(search.get("volumes")).as("no index folder shared by two processes").isNull();
    }

    @Test
    void everyApplicationExportsItsTracesToAPinnedJaegerWhoseUiOnlyOperatorsReach() {
        Map<String, Object> jaeger = service("jaeger");
        assertThat(String.valueOf(jaeger.get("image"))).matches("jaegertracing/jaeger:\\d+\\.\\d+\\.\\d+");
        assertThat(strings(jaeger.get("ports")))
                .containsExactly("${OPERATOR_BIND_ADDRESS:-127.0.0.1}:${JAEGER_PUBLIC_PORT:-16686}:16686");
        for (String app : APPS) {
            // Unset, Jaeger; set empty, no export (the applications' default).
            assertThat(environment(app).get("OTEL_EXPORTER_OTLP_ENDPOINT")).as("trace export of %s", app)
                    .isEqualTo("${OTEL_EXPORTER_OTLP_ENDPOINT-http://jaeger:4318}");
        }
    }

    @Test
    void everyFileTheComposeFileMountsExists() {
        services.forEach((name, definition) -> strings(map(definition).getOrDefault("volumes", List.of())).stream()
                .filter(volume -> volume.startsWith("./"))
                .forEach(volume -> assertThat(ROOT.resolve(volume.substring(0, volume.indexOf(':'))))
                        .as("%s mounts %s", name, volume).exists()));
        assertThat(ROOT.resolve("deploy/kafka/create-topics.sh")).isExecutable();
        assertThat(ROOT.resolve("deploy/postgres/initdb/10-roles.sh")).isExecutable();
    }

    /** Every service this one waits for, directly or through the services it waits for. */
    private Set<String> startsAfter(String name) {
        Set<String> all = new HashSet<>();
        for (String dependency : map(service(name).getOrDefault("depends_on", Map.of())).keySet()) {
            all.add(dependency);
            all.addAll(startsAfter(dependency));
        }
        return all;
    }

    private Set<String> variablesRead(String app) {
        Set<String> variables = new TreeSet<>();
        Matcher variable = VARIABLE.matcher(applicationProperties(app));
        while (variable.find()) {
            variables.add(variable.group(1));
        }
        return variables;
    }

    private String httpPortVariable(String app) {
        Matcher port = HTTP_PORT.matcher(applicationProperties(app));
        assertThat(port.find()).isTrue();
        return port.group(1);
    }

    private Map<String, Object> service(String name) {
        return map(services.get(name));
    }

    private Map<String, Object> environment(String name) {
        return map(service(name).get("environment"));
    }

    private static String applicationProperties(String app) {
        try {
            return Files.readString(ROOT.resolve(app).resolve("src/main/resources/application.properties"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> yaml(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<String> strings(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }
}

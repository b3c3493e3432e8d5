package dev.outbox.local;

import dev.outbox.embedded.opensearch.EmbeddedOpenSearch;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which services run and the settings that connect them: to the infrastructure, to each other (one operator token),
 * and within their consumer groups (instance ids, the OpenSearch members' group).
 */
final class ServicePlan {

    private static final String OPENSEARCH_GROUP = "search-opensearch";

    private final LocalSettings settings;
    private final Infrastructure infrastructure;
    private final String operatorToken;

    ServicePlan(LocalSettings settings, Infrastructure infrastructure, String operatorToken) {
        this.settings = settings;
        this.infrastructure = infrastructure;
        this.operatorToken = operatorToken;
    }

    /** In start order. */
    List<Service> services() {
        EmbeddedPostgresServer postgres = infrastructure.postgres();
        Map<String, String> database = Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(Infrastructure.DATABASE),
                "quarkus.datasource.username", postgres.username(),
                "quarkus.datasource.password", postgres.password());
        String bootstrap = infrastructure.kafka().bootstrapServers();
        Map<String, String> relay = with(database, Map.of("kafka.bootstrap.servers", bootstrap,
                "relay.operator-token", operatorToken));
        List<Service> services = new ArrayList<>(List.of(
                new Service("blog-app", settings.blogPort(), database),
                new Service("cdc-relay", settings.relayPort(), relay),
                // One member per group, restarted under the same instance id: it owns its partitions again at
                // once instead of waiting for its crashed session to time out.
                new Service("analytics-consumer", settings.analyticsPort(), with(database, Map.of(
                        "kafka.bootstrap.servers", bootstrap,
                        "analytics.instance-id", "analytics-1")))));
        if (settings.relays() == 2) {
            // Same slot, same settings: whichever holds the active lock streams, the other stands by.
            services.add(new Service("cdc-relay-2", "cdc-relay", settings.secondRelayPort(), relay));
        }
        services.addAll(searchIndexers(bootstrap));
        return services;
    }

    Service service(String name) {
        return services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No service " + name));
    }

    /**
     * The search members' consumer group: search-indexer's default {@code search} on Lucene,
     * {@code search-opensearch} on OpenSearch (why: {@link #searchIndexers}).
     */
    String searchGroup() {
        return settings.search() == LocalSettings.Search.OPENSEARCH ? OPENSEARCH_GROUP : "search";
    }

    /**
     * One member on a Lucene index of its own (an index is per process), or, with {@code --search=opensearch}, two
     * members of group {@code search-opensearch} sharing the partitions and the OpenSearch node, each with its own
     * instance id.
     */
    private List<Service> searchIndexers(String bootstrap) {
        Map<String, String> common = Map.of("kafka.bootstrap.servers", bootstrap, "search.operator.token", operatorToken);
        Optional<EmbeddedOpenSearch> openSearch = infrastructure.openSearchNode();
        if (openSearch.isEmpty()) {
            return List.of(new Service("search-indexer", settings.searchPort(), with(common, Map.of(
                    "search.instance-id", "search-1",
                    "search.index-dir", settings.data().resolve("search-index").toString()))));
        }
        // A group of its own: group "search"'s offsets are where a Lucene index of an earlier run stopped, and an
        // OpenSearch index keeps none, so it would start there and miss every blog before.
        Map<String, String> shared = with(common, Map.of("search.backend", "opensearch",
                "search.opensearch.url", openSearch.get().url(), "search.group-id", OPENSEARCH_GROUP));
        return List.of(
                new Service("search-indexer", "search-indexer", settings.searchPort(),
                        with(shared, Map.of("search.instance-id", "search-1"))),
                new Service("search-indexer-2", "search-indexer", settings.searchPort() + 1,
                        with(shared, Map.of("search.instance-id", "search-2"))));
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return Map.copyOf(all);
    }
}

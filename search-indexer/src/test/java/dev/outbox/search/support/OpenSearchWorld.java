package dev.outbox.search.support;

import dev.outbox.testsupport.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * search-indexer on the OpenSearch backend: topics and a group of its own on the shared Kafka, and an alias of its own
 * on the shared OpenSearch node.
 */
public class OpenSearchWorld implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "blog.events.opensearch";
    public static final String ALIAS = "blogs-it";

    @Override
    public Map<String, String> start() {
        Map<String, String> settings = new HashMap<>(SearchWorld.create(TOPIC, TOPIC + ".dlq",
                SearchWorld.newIndexDirectory()));
        settings.put("search.group-id", "search-opensearch");
        settings.put("search.backend", "opensearch");
        settings.put("search.opensearch.url", SharedInfrastructure.openSearch().url());
        settings.put("search.opensearch.alias", ALIAS);
        // A batch retried while the index is gone goes through within seconds of its return.
        settings.put("search.max-retry-backoff", "2s");
        return settings;
    }

    @Override
    public void stop() {
        // The shared servers close at JVM exit.
    }
}

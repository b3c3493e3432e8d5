package dev.outbox.search.index;

import dev.outbox.search.SearchConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import java.io.Closeable;
import java.io.IOException;

/**
 * Chooses where indexes live by {@code search.backend}: Lucene generations under {@code search.index-dir}, the
 * embedded default, or generations behind an alias in the OpenSearch cluster at {@code search.opensearch.url}.
 */
public class IndexLocation {

    @Produces
    @ApplicationScoped
    SearchIndexes indexes(SearchConfig config, MeterRegistry metrics) {
        return switch (config.backend()) {
            case LUCENE -> new LuceneIndexes(config.indexDir());
            case OPENSEARCH -> {
                SearchConfig.OpenSearch cluster = config.opensearch();
                String url = cluster.url().orElseThrow(() -> new IllegalStateException(
                        "search.backend=opensearch needs search.opensearch.url (SEARCH_OPENSEARCH_URL)"));
                yield OpenSearchIndexes.connect(url, cluster.username(), cluster.password(), cluster.alias(),
                        cluster.requestTimeout(), metrics);
            }
        };
    }

    void close(@Disposes SearchIndexes indexes) throws IOException {
        if (indexes instanceof Closeable closeable) {
            closeable.close();
        }
    }
}

package dev.outbox.search.index;

import dev.outbox.search.SearchConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Chooses where indexes live: Lucene generations under {@code search.index-dir}, the embedded default. */
public class IndexLocation {

    @Produces
    @ApplicationScoped
    SearchIndexes indexes(SearchConfig config) {
        return new LuceneIndexes(config.indexDir());
    }
}

package dev.outbox.search.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.outbox.search.index.SearchIndexContract.published;
import static org.assertj.core.api.Assertions.assertThat;

/** Generations on disk: a fresh index becomes live only through CURRENT, and leftovers are cleared at start. */
class LuceneIndexesTest {

    @TempDir
    Path root;

    @Test
    void aFreshIndexIsLiveAfterRestartOnceMadeLive() throws IOException {
        LuceneIndexes indexes = new LuceneIndexes(root);
        SearchIndex first = indexes.openLive();
        SearchIndex fresh = indexes.createFresh();
        fresh.apply(List.of(published(1, 7, 1, "Rebuilt", "from the topic")), Map.of());

        indexes.makeLive(fresh);
        indexes.discard(first);
        fresh.close();

        try (SearchIndex live = new LuceneIndexes(root).openLive()) {
            assertThat(live.location()).endsWith("generation-000002");
            assertThat(live.documents()).isEqualTo(1);
        }
        assertThat(Files.exists(root.resolve("generation-000001"))).isFalse();
    }

    @Test
    void anUnfinishedRebuildIsRemovedAtStartAndTheLiveIndexKept() throws IOException {
        LuceneIndexes indexes = new LuceneIndexes(root);
        SearchIndex live = indexes.openLive();
        live.apply(List.of(published(1, 7, 1, "Live", "kept")), Map.of());
        SearchIndex unfinished = indexes.createFresh();
        unfinished.close();
        live.close();

        try (SearchIndex reopened = new LuceneIndexes(root).openLive()) {
            assertThat(reopened.location()).endsWith("generation-000001");
            assertThat(reopened.documents()).isEqualTo(1);
        }
        assertThat(Files.exists(root.resolve("generation-000002"))).isFalse();
    }
}

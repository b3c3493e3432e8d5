package dev.outbox.search.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The search contract on a Lucene index on real disk, and what only Lucene does: offsets kept in its commits. */
class LuceneSearchIndexTest extends SearchIndexContract {

    private static final Partition P0 = new Partition("blog.events", 0);

    @TempDir
    Path directory;

    @Override
    SearchIndex open() throws IOException {
        return new LuceneSearchIndex(directory);
    }

    @Override
    void discard(SearchIndex index) throws IOException {
        index.close();
    }

    @Test
    void recordedOffsetsSurviveReopeningAndNeverMoveBack() throws IOException {
        Partition p1 = new Partition("blog.events", 1);
        index.apply(List.of(published(1, 7, 1, "t", "b")), Map.of(P0, 10L, p1, 4L));
        index.apply(List.of(), Map.of(P0, 6L));
        index.close();

        index = new LuceneSearchIndex(directory);

        assertThat(index.positions()).isEqualTo(Optional.of(Map.of(P0, 10L, p1, 4L)));
        assertThat(index.documents()).isEqualTo(1);
    }

    @Test
    void refusesARequestWhoseWindowExceedsTheLimitBeforeAllocatingIt() {
        assertThatThrownBy(() -> new SearchRequest("kafka", null, null, 92233720, 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SearchRequest("kafka", null, null, Integer.MAX_VALUE, Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SearchRequest("kafka", null, null, 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

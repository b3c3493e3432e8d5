package dev.outbox.search.index;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The index on real disk: versions, tombstones, ranking, filters, pages, highlights and recorded offsets. */
class LuceneSearchIndexTest {

    private static final TopicPartition P0 = new TopicPartition("blog.events", 0);

    @TempDir
    Path directory;

    LuceneSearchIndex index;

    @BeforeEach
    void open() throws IOException {
        index = new LuceneSearchIndex(directory);
    }

    @AfterEach
    void close() throws IOException {
        index.close();
    }

    @Test
    void findsAPublishedBlogByATitleWordAndByABodyWord() throws IOException {
        apply(published(1, 7, 1, "Delegating with an outbox", "Kafka carries the events"));

        assertThat(blogIds("outbox")).containsExactly(1L);
        assertThat(blogIds("kafka")).containsExactly(1L);
        assertThat(blogIds("rabbitmq")).isEmpty();
    }

    @Test
    void anUpdateReplacesTheTextAndADeleteRemovesTheBlog() throws IOException {
        apply(published(1, 7, 1, "First draft", "about postgres"));
        apply(updated(1, 7, 2, "Second draft", "about lucene"));

        assertThat(blogIds("postgres")).isEmpty();
        assertThat(blogIds("lucene")).containsExactly(1L);
        assertThat(search("lucene").hits().get(0).version()).isEqualTo(2);

        apply(deleted(1, 7, 3));

        assertThat(blogIds("lucene")).isEmpty();
        assertThat(blogIds("")).isEmpty();
        assertThat(index.documents()).isZero();
    }

    @Test
    void redeliveredAndStaleChangesLeaveTheNewestVersion() throws IOException {
        BlogChange v1 = published(1, 7, 1, "Old title", "old words");
        BlogChange v2 = updated(1, 7, 2, "New title", "new words");
        apply(v1);
        apply(v2);

        var outcome = index.apply(List.of(v1, v2, v1), Map.of());

        assertThat(outcome.applied()).isZero();
        assertThat(outcome.skipped()).isEqualTo(3);
        assertThat(blogIds("old")).isEmpty();
        assertThat(blogIds("new")).containsExactly(1L);
    }

    @Test
    void aStalePublishAfterADeleteDoesNotBringTheBlogBack() throws IOException {
        BlogChange publish = published(1, 7, 1, "Gone soon", "ephemeral words");
        apply(publish);
        apply(deleted(1, 7, 2));

        apply(publish);

        assertThat(blogIds("ephemeral")).isEmpty();
    }

    @Test
    void withinOneBatchTheNewestVersionWinsWhateverTheOrder() throws IOException {
        index.apply(List.of(updated(1, 7, 3, "Third", "three"), published(1, 7, 1, "First", "one"),
                updated(1, 7, 2, "Second", "two")), Map.of());

        assertThat(blogIds("three")).containsExactly(1L);
        assertThat(blogIds("one")).isEmpty();
    }

    @Test
    void titleMatchesRankAboveBodyMatches() throws IOException {
        apply(published(1, 7, 1, "Notes from the week", "We moved the counter to a consumer group"),
                published(2, 7, 1, "Consumer groups explained", "Notes from the week about Kafka"));

        assertThat(blogIds("consumer")).containsExactly(2L, 1L);
    }

    @Test
    void filtersByAuthorAndTagAndPagesThroughTheHits() throws IOException {
        for (long blog = 1; blog <= 25; blog++) {
            apply(new BlogChange(UUID.randomUUID(), BlogChange.Kind.PUBLISHED, blog, blog % 2 == 0 ? 8 : 9, 1,
                    "Post " + blog, "streaming words", blog % 5 == 0 ? List.of("Kafka", "ops") : List.of("misc")));
        }

        SearchResults secondPage = index.search(new SearchRequest("streaming", null, null, 2, 10));
        assertThat(secondPage.totalHits()).isEqualTo(25);
        assertThat(secondPage.totalHitsExact()).isTrue();
        assertThat(secondPage.hits()).hasSize(10);
        assertThat(index.search(new SearchRequest("streaming", null, null, 3, 10)).hits()).hasSize(5);
        assertThat(index.search(new SearchRequest("streaming", null, null, 4, 10)).hits()).isEmpty();

        SearchResults byAuthor = index.search(new SearchRequest("streaming", 8L, null, 1, 100));
        assertThat(byAuthor.totalHits()).isEqualTo(12);
        assertThat(byAuthor.hits()).allMatch(hit -> hit.authorId() == 8);

        SearchResults byTag = index.search(new SearchRequest(null, null, "KAFKA", 1, 100));
        assertThat(byTag.hits()).extracting(SearchResults.Hit::blogId).containsExactly(25L, 20L, 15L, 10L, 5L);
        assertThat(byTag.hits().get(0).tags()).containsExactly("kafka", "ops");
    }

    @Test
    void countsHitsExactlyBeyondTheFirstThousand() throws IOException {
        List<BlogChange> many = new ArrayList<>();
        for (long blog = 1; blog <= 1_500; blog++) {
            many.add(published(blog, 7, 1, "Post " + blog, "common words"));
        }
        index.apply(many, Map.of());

        SearchResults results = index.search(new SearchRequest("common", null, null, 1, 10));

        assertThat(results.totalHits()).isEqualTo(1_500);
        assertThat(results.totalHitsExact()).isTrue();
    }

    @Test
    void highlightsMatchedWordsInEscapedText() throws IOException {
        apply(published(1, 7, 1, "Outbox <b>done</b> right", "Write the outbox row & the blog in one transaction."));

        SearchResults.Hit hit = search("outbox").hits().get(0);

        assertThat(hit.titleHighlight()).isEqualTo("<mark>Outbox</mark> &lt;b&gt;done&lt;&#x2F;b&gt; right");
        assertThat(hit.bodyHighlight()).contains("<mark>outbox</mark>").contains("&amp;");
        assertThat(hit.title()).isEqualTo("Outbox <b>done</b> right");
    }

    @Test
    void recordedOffsetsSurviveReopeningAndNeverMoveBack() throws IOException {
        TopicPartition p1 = new TopicPartition("blog.events", 1);
        index.apply(List.of(published(1, 7, 1, "t", "b")), Map.of(P0, 10L, p1, 4L));
        index.apply(List.of(), Map.of(P0, 6L));
        index.close();

        index = new LuceneSearchIndex(directory);

        assertThat(index.positions()).isEqualTo(Map.of(P0, 10L, p1, 4L));
        assertThat(index.documents()).isEqualTo(1);
    }

    /** Texts that get past the parser but make Lucene throw, or do too much work, once they meet a real index. */
    @ParameterizedTest
    @MethodSource("dev.outbox.search.index.HostileQueries#texts")
    void refusesHostileQueryTextAsInvalidNeverAsAnUnexpectedFailure(String text) throws IOException {
        apply(published(1, 7, 1, "Similar words", HostileQueries.similarWords()),
                published(2, 7, 1, "A long word", HostileQueries.LONG_WORD));

        assertThatThrownBy(() -> index.search(new SearchRequest(text, null, null, 1, 10)))
                .isInstanceOf(InvalidQueryException.class);
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

    private void apply(BlogChange... changes) throws IOException {
        index.apply(List.of(changes), Map.of());
    }

    private SearchResults search(String text) throws IOException {
        return index.search(new SearchRequest(text, null, null, 1, 100));
    }

    private List<Long> blogIds(String text) throws IOException {
        return search(text).hits().stream().map(SearchResults.Hit::blogId).toList();
    }

    static BlogChange published(long blog, long author, long version, String title, String body) {
        return new BlogChange(UUID.randomUUID(), BlogChange.Kind.PUBLISHED, blog, author, version, title, body,
                List.of());
    }

    static BlogChange updated(long blog, long author, long version, String title, String body) {
        return new BlogChange(UUID.randomUUID(), BlogChange.Kind.UPDATED, blog, author, version, title, body,
                List.of());
    }

    static BlogChange deleted(long blog, long author, long version) {
        return new BlogChange(UUID.randomUUID(), BlogChange.Kind.DELETED, blog, author, version, null, null,
                List.of());
    }
}

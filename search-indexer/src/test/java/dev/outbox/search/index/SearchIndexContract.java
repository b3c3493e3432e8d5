package dev.outbox.search.index;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What every {@link SearchIndex} answers, whatever the backend: versions, tombstones, ranking, filters, pages, totals,
 * highlights and refused queries. Each backend runs this suite against a real index of its own.
 */
abstract class SearchIndexContract {

    SearchIndex index;

    /** A new, empty index. */
    abstract SearchIndex open() throws IOException;

    /** Removes {@code index} and what it holds. */
    abstract void discard(SearchIndex index) throws IOException;

    @BeforeEach
    void openIndex() throws IOException {
        index = open();
    }

    @AfterEach
    void discardIndex() throws IOException {
        discard(index);
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
        assertThat(outcome.alreadyHeld().cardinality()).as("all held before: no freshness for them").isEqualTo(3);
        assertThat(blogIds("old")).isEmpty();
        assertThat(blogIds("new")).containsExactly(1L);
    }

    @Test
    void aStalePublishAfterADeleteDoesNotBringTheBlogBack() throws IOException {
        BlogChange publish = published(1, 7, 1, "Gone soon", "ephemeral words");
        apply(publish);
        apply(deleted(1, 7, 2));

        var outcome = index.apply(List.of(publish), Map.of());

        assertThat(outcome.skipped()).isEqualTo(1);
        assertThat(blogIds("ephemeral")).isEmpty();
        assertThat(index.documents()).isZero();
    }

    @Test
    void withinOneBatchTheNewestVersionWinsWhateverTheOrder() throws IOException {
        var outcome = index.apply(List.of(updated(1, 7, 3, "Third", "three"), published(1, 7, 1, "First", "one"),
                updated(1, 7, 2, "Second", "two")), Map.of());

        assertThat(outcome.applied()).isEqualTo(1);
        assertThat(outcome.skipped()).isEqualTo(2);
        assertThat(outcome.alreadyHeld().isEmpty()).as("superseded in the batch, but none held before").isTrue();
        assertThat(blogIds("three")).containsExactly(1L);
        assertThat(blogIds("one")).isEmpty();
    }

    @Test
    void titleMatchesRankAboveBodyMatches() throws IOException {
        apply(published(1, 7, 1, "Notes from the week", "We moved the counter to a consumer group"),
                published(2, 7, 1, "Consumer groups explained", "Notes from the week about Kafka"));

        assertThat(blogIds("consumer")).containsExactly(2L, 1L);
    }

    /** The query syntax users may type, word by word across both fields as Lucene's parser reads it. */
    @Test
    void theQuerySyntaxMatchesTheSameBlogs() throws IOException {
        apply(published(1, 7, 1, "Outbox pattern", "Kafka carries the events to consumers"),
                published(2, 7, 1, "Kafka consumer groups", "Partitions are shared by the members"),
                published(3, 7, 1, "Lucene on disk", "An index of the blogs, kept from the outbox events"),
                published(4, 7, 1, "The state of the art", "Running a search cluster"));

        assertThat(blogIds("outbox kafka")).as("words in different fields").containsExactly(1L);
        assertThat(blogIds("outbox OR lucene")).containsExactlyInAnyOrder(1L, 3L);
        assertThat(blogIds("outbox -kafka")).containsExactly(3L);
        assertThat(blogIds("-kafka")).as("nothing but a negation matches nothing").isEmpty();
        assertThat(blogIds("\"consumer groups\"")).containsExactly(2L);
        assertThat(blogIds("\"groups consumer\"")).isEmpty();
        assertThat(blogIds("\"state of the art\"")).as("a phrase with stop words").containsExactly(4L);
        assertThat(blogIds("title:kafka")).containsExactly(2L);
        assertThat(blogIds("body:kafka")).containsExactly(1L);
        assertThat(blogIds("partit*")).containsExactly(2L);
        assertThat(blogIds("kafak~1")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(blogIds("run")).as("stemmed like the text").containsExactly(4L);
        assertThat(blogIds("the")).as("only a stop word").isEmpty();
        assertThat(blogIds("(outbox OR partitions) AND kafka")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(blogIds("*:*")).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
    }

    @Test
    void filtersByAuthorAndTagAndPagesThroughTheHits() throws IOException {
        List<BlogChange> blogs = new ArrayList<>();
        for (long blog = 1; blog <= 25; blog++) {
            blogs.add(new BlogChange(UUID.randomUUID(), BlogChange.Kind.PUBLISHED, blog, blog % 2 == 0 ? 8 : 9, 1,
                    "Post " + blog, "streaming words", blog % 5 == 0 ? List.of(" Kafka", "ops") : List.of("misc")));
        }
        index.apply(blogs, Map.of());

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
        assertThat(byTag.hits().get(0).score()).as("sorted, not scored").isNull();

        SearchResults newestFirst = index.search(new SearchRequest(null, null, null, 2, 10));
        assertThat(newestFirst.hits()).extracting(SearchResults.Hit::blogId)
                .containsExactly(15L, 14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L, 6L);
    }

    @Test
    void countsHitsExactlyUpToTenThousandThenAsAtLeastThat() throws IOException {
        List<BlogChange> many = new ArrayList<>();
        for (long blog = 1; blog <= 10_001; blog++) {
            many.add(published(blog, 7, 1, "Post " + blog, blog <= 1_500 ? "common words" : "other words"));
        }
        index.apply(many, Map.of());

        SearchResults some = index.search(new SearchRequest("common", null, null, 1, 10));
        assertThat(some.totalHits()).isEqualTo(1_500);
        assertThat(some.totalHitsExact()).isTrue();

        SearchResults all = index.search(new SearchRequest("words", null, null, 1, 10));
        assertThat(all.totalHits()).isEqualTo(10_000);
        assertThat(all.totalHitsExact()).isFalse();
    }

    @Test
    void highlightsMatchedWordsInEscapedText() throws IOException {
        apply(published(1, 7, 1, "Outbox <b>done</b> right", "Write the outbox row & the blog in one transaction."),
                published(2, 7, 1, "Café für Kafka", "Naïve consumers read the outbox: 東京 too"));

        SearchResults.Hit hit = search("outbox").hits().stream().filter(h -> h.blogId() == 1).findFirst().orElseThrow();
        assertThat(hit.titleHighlight()).isEqualTo("<mark>Outbox</mark> &lt;b&gt;done&lt;&#x2F;b&gt; right");
        assertThat(hit.bodyHighlight()).isEqualTo("Write the <mark>outbox</mark> row &amp; the blog in one transaction.");
        assertThat(hit.title()).isEqualTo("Outbox <b>done</b> right");

        SearchResults.Hit nonAscii = search("kafka").hits().get(0);
        assertThat(nonAscii.titleHighlight()).isEqualTo("Café für <mark>Kafka</mark>");
        assertThat(nonAscii.bodyHighlight()).as("no match: the beginning")
                .isEqualTo("Naïve consumers read the outbox: 東京 too");
    }

    /** Phrases, prefixes and stems are marked alike on every backend, and the same best two sentences are chosen. */
    @Test
    void highlightsPhrasesPrefixesAndStemsAndChoosesTheSameSentences() throws IOException {
        apply(published(1, 7, 1, "Streams of Kafka streams",
                "Kafka is a log. Groups read it at their own pace. A streaming app reads kafka streams and writes "
                        + "kafka streams back. Nothing else is here. Readers stream on."));

        assertThat(highlights(search("\"kafka streams\""))).containsExactly("Streams of <mark>Kafka streams</mark>",
                "A streaming app reads <mark>kafka streams</mark> and writes <mark>kafka streams</mark> back. ");
        assertThat(highlights(search("stre*"))).containsExactly("<mark>Streams</mark> of Kafka <mark>streams</mark>",
                "A <mark>streaming</mark> app reads kafka <mark>streams</mark> and writes kafka <mark>streams</mark> "
                        + "back.  … Readers <mark>stream</mark> on.");
        assertThat(highlights(search("reading"))).as("no match in the title: the title; the best two sentences")
                .containsExactly("Streams of Kafka streams", "Groups <mark>read</mark> it at their own pace. "
                        + "A streaming app <mark>reads</mark> kafka streams and writes kafka streams back. ");
    }

    private static List<String> highlights(SearchResults results) {
        SearchResults.Hit hit = results.hits().get(0);
        return List.of(hit.titleHighlight(), hit.bodyHighlight());
    }

    /** BlogChange.read refuses such tags as poison; this is the index's own refusal, for whatever gets past that. */
    @Test
    void aDocumentTheIndexCanNeverTakeFailsAsNotTransient() {
        BlogChange immenseTag = new BlogChange(UUID.randomUUID(), BlogChange.Kind.PUBLISHED, 1, 7, 1, "Tagged",
                "words", List.of("t".repeat(40_000)));

        Throwable failure = catchThrowable(() -> index.apply(List.of(immenseTag), Map.of()));

        assertThat(failure).isInstanceOf(Exception.class);
        assertThat(index.isTransient((Exception) failure)).isFalse();
        assertThat(index.isTransient(new IOException("disk full"))).isTrue();
    }

    /**
     * Texts that get past the parser but make Lucene throw, or do too much work, once they meet a real index. All in
     * one index: a failure lists every text that got through.
     */
    @Test
    void refusesHostileQueryTextAsInvalidNeverAsAnUnexpectedFailure() throws IOException {
        apply(published(1, 7, 1, "Similar words", HostileQueries.similarWords()),
                published(2, 7, 1, "A long word", HostileQueries.LONG_WORD));

        List<String> notRefused = new ArrayList<>();
        for (String text : HostileQueries.texts()) {
            Throwable failure = catchThrowable(() -> index.search(new SearchRequest(text, null, null, 1, 10)));
            if (!(failure instanceof InvalidQueryException)) {
                notRefused.add(text + " -> " + failure);
            }
        }
        assertThat(notRefused).isEmpty();
    }

    void apply(BlogChange... changes) throws IOException {
        index.apply(List.of(changes), Map.of());
    }

    SearchResults search(String text) throws IOException {
        return index.search(new SearchRequest(text, null, null, 1, 100));
    }

    List<Long> blogIds(String text) throws IOException {
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

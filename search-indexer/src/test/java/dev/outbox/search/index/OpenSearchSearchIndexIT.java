package dev.outbox.search.index;

import dev.outbox.testsupport.SharedInfrastructure;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The search contract on a real OpenSearch 2.19 node (one per test JVM), each test on generations behind an alias of
 * its own; and what only this backend does: answers compared with Lucene's for the same blogs, generations behind an
 * alias, and failures told apart by what OpenSearch answers per document.
 */
class OpenSearchSearchIndexIT extends SearchIndexContract {

    private static final AtomicInteger ALIASES = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static String url;
    private static OpenSearchIndexes indexes;
    private static String alias;
    private SimpleMeterRegistry meters;

    @TempDir
    Path luceneDirectory;

    @BeforeAll
    static void connect() {
        url = SharedInfrastructure.openSearch().url();
    }

    @AfterAll
    static void disconnect() throws IOException {
        if (indexes != null) {
            indexes.close();
        }
    }

    @Override
    SearchIndex open() throws IOException {
        if (indexes != null) {
            indexes.close();
        }
        alias = "contract-" + ALIASES.incrementAndGet();
        meters = new SimpleMeterRegistry();
        indexes = OpenSearchIndexes.connect(url, Optional.empty(), Optional.empty(), alias, TIMEOUT, meters);
        return indexes.openLive();
    }

    @Override
    void discard(SearchIndex index) throws IOException {
        index.close();
        send("DELETE", "/" + alias + "-*");
    }

    @Test
    void answersEveryQueryExactlyLikeTheLuceneIndex() throws IOException {
        List<BlogChange> blogs = corpus();
        index.apply(blogs, Map.of());
        try (LuceneSearchIndex lucene = new LuceneSearchIndex(luceneDirectory)) {
            lucene.apply(blogs, Map.of());
            List<SearchRequest> requests = new ArrayList<>();
            for (String text : List.of("", "kafka", "outbox consumer", "kafka OR lucene", "\"consumer group\"",
                    "title:partition", "body:replay -kafka", "stream*", "offest~1", "kafka^2 outbox", "commit",
                    "(index OR topic) AND NOT broker", "\"the outbox\"", "postgres")) {
                requests.add(new SearchRequest(text, null, null, 1, 10));
                requests.add(new SearchRequest(text, null, null, 2, 7));
                requests.add(new SearchRequest(text, 3L, null, 1, 20));
                requests.add(new SearchRequest(text, null, "Ops", 1, 20));
            }
            for (SearchRequest request : requests) {
                SearchResults expected = lucene.search(request);
                SearchResults actual = index.search(request);
                assertThat(withoutScores(actual)).as("%s", request).isEqualTo(withoutScores(expected));
                if (!expected.hits().isEmpty() && request.text() != null && !request.text().isBlank()) {
                    assertThat(actual.hits().get(0).score()).as("%s", request).isPositive();
                }
            }
        }
    }

    @Test
    void theAliasNamesTheLiveGenerationAndARebuildMovesItAtOnce() throws IOException {
        assertThat(index.name()).isEqualTo(alias + "-000001");
        apply(published(1, 7, 1, "Old generation", "first words"));

        SearchIndex fresh = indexes.createFresh();
        assertThat(fresh.name()).isEqualTo(alias + "-000002");
        fresh.apply(List.of(published(1, 7, 1, "New generation", "second words")), Map.of());
        assertThat(blogIds("second")).as("not live yet").isEmpty();

        indexes.makeLive(fresh);

        assertThat(aliasTargets()).containsExactly(alias + "-000002");
        assertThat(blogIds("second")).as("the old live index follows the alias").containsExactly(1L);
        indexes.discard(index);
        assertThat(send("GET", "/" + alias + "-000001").statusCode()).isEqualTo(404);
        index = fresh;
        assertThat(fresh.name()).isEqualTo(alias + "-000002");
        assertThat(indexes.openLive().name()).as("after a restart").isEqualTo(alias + "-000002");
        assertThat(index.positions()).as("the group's offsets count").isEmpty();
    }

    @Test
    void aRebuildDeletesTheGenerationAnUnfinishedRebuildLeftBehindAndKeepsTheLiveOne() throws IOException {
        apply(published(1, 7, 1, "Live", "live words"));
        // What a member that died mid-rebuild leaves: a filled generation the alias does not name.
        SearchIndex unfinished = indexes.createFresh();
        unfinished.apply(List.of(published(2, 7, 1, "Unfinished", "half a rebuild")), Map.of());
        unfinished.close();

        SearchIndex fresh = indexes.createFresh();

        assertThat(fresh.name()).isEqualTo(alias + "-000003");
        assertThat(send("GET", "/" + alias + "-000002").statusCode()).as("the leftover").isEqualTo(404);
        assertThat(aliasTargets()).containsExactly(alias + "-000001");
        assertThat(blogIds("live")).containsExactly(1L);
        indexes.discard(fresh);
    }

    @Test
    void aClosedIndexIsATransientFailureAndTheRetriedBatchApplies() throws IOException {
        apply(published(1, 7, 1, "Before", "first words"));
        List<BlogChange> batch = List.of(updated(1, 7, 2, "After", "second words"), published(2, 7, 1, "New", "more"));
        assertThat(send("POST", "/" + index.name() + "/_close").statusCode()).isEqualTo(200);

        Throwable failure = catchThrowable(() -> index.apply(batch, Map.of()));

        assertThat(failure).isInstanceOf(Exception.class);
        assertThat(index.isTransient((Exception) failure)).isTrue();
        assertThat(send("POST", "/" + index.name() + "/_open?wait_for_active_shards=1").statusCode()).isEqualTo(200);
        var retried = index.apply(batch, Map.of());
        assertThat(retried.applied()).isEqualTo(2);
        assertThat(blogIds("second")).containsExactly(1L);
    }

    @Test
    void timesEveryBulkRequestByOutcomeAndCountsTheDocumentsItDidNotWrite() throws IOException {
        apply(published(1, 7, 1, "First", "words"));
        apply(published(1, 7, 1, "First", "words")); // redelivered: a 409, which is no failure
        BlogChange immenseTag = new BlogChange(UUID.randomUUID(), BlogChange.Kind.PUBLISHED, 2, 7, 1, "Tagged",
                "words", List.of("t".repeat(40_000)));
        assertThat(catchThrowable(() -> index.apply(List.of(immenseTag), Map.of()))).isNotNull();
        assertThat(send("POST", "/" + index.name() + "/_close").statusCode()).isEqualTo(200);
        assertThat(catchThrowable(() -> index.apply(List.of(published(3, 7, 1, "Closed", "words")), Map.of())))
                .isNotNull();
        assertThat(send("POST", "/" + index.name() + "/_open?wait_for_active_shards=1").statusCode()).isEqualTo(200);

        assertThat(bulks(BulkMetrics.OK).count()).isEqualTo(2);
        assertThat(bulks(BulkMetrics.OK).totalTime(TimeUnit.SECONDS)).isPositive();
        assertThat(bulks(BulkMetrics.REFUSED).count()).isEqualTo(1);
        assertThat(bulks(BulkMetrics.RETRIED).count() + bulks(BulkMetrics.ERROR).count())
                .as("a closed index fails the request or its items; either way the batch is retried").isEqualTo(1);
        assertThat(meters.get("search.opensearch.bulk.failed.documents").tag("reason", BulkMetrics.REFUSED)
                .counter().count()).isEqualTo(1);
    }

    @Test
    void theBackendIsUpWhileTheAliasNamesAHealthyGenerationAndDownOtherwise() throws IOException {
        SearchIndexes.Health up = indexes.health();
        assertThat(up.up()).isTrue();
        assertThat(up.details()).containsEntry("generation", alias + "-000001").containsKey("status");

        assertThat(send("DELETE", "/" + alias + "-000001").statusCode()).isEqualTo(200);
        SearchIndexes.Health noIndex = indexes.health();
        assertThat(noIndex.up()).isFalse();
        assertThat(noIndex.details().get("reason")).contains("names no index");

        int nothingListens;
        try (ServerSocket socket = new ServerSocket(0)) {
            nothingListens = socket.getLocalPort();
        }
        try (OpenSearchIndexes unreachable = OpenSearchIndexes.connect("http://127.0.0.1:" + nothingListens,
                Optional.empty(), Optional.empty(), alias, TIMEOUT, meters)) {
            assertThat(unreachable.health().up()).isFalse();
        }
    }

    @Test
    void oneRebuildClaimAtATimeAmongTheMembersSharingAnAlias() throws IOException {
        try (OpenSearchIndexes otherMember = OpenSearchIndexes.connect(url, Optional.empty(), Optional.empty(), alias,
                TIMEOUT, meters)) {
            Optional<SearchIndexes.RebuildClaim> first = indexes.claimRebuild("member-1");
            assertThat(first).isPresent();
            assertThat(otherMember.claimRebuild("member-2")).as("while member-1 rebuilds").isEmpty();
            first.get().renew();
            assertThat(otherMember.claimRebuild("member-2")).as("renewed").isEmpty();

            first.get().close();

            Optional<SearchIndexes.RebuildClaim> second = otherMember.claimRebuild("member-2");
            assertThat(second).as("after member-1 finished").isPresent();
            second.get().close();
        }
    }

    @Test
    void aClaimNotRenewedWithinItsLeaseIsTakenOverAndItsHolderLearnsIt() throws IOException {
        SearchIndexes.RebuildClaim crashed = indexes.claimRebuild("member-1").orElseThrow();
        // As a holder that crashed five minutes ago left it: renewed longer ago than the lease.
        long stale = System.currentTimeMillis() - RebuildClaims.LEASE.toMillis() - 60_000;
        assertThat(sendJson("PUT", "/" + alias + "-rebuild/_doc/rebuild?refresh=true",
                "{\"owner\":\"member-1\",\"renewed_at\":" + stale + "}").statusCode()).isEqualTo(200);

        Optional<SearchIndexes.RebuildClaim> takenOver = indexes.claimRebuild("member-2");

        assertThat(takenOver).isPresent();
        assertThat(catchThrowable(crashed::renew)).isInstanceOf(IOException.class).hasMessageContaining("taken over");
        crashed.close(); // the claim is member-2's now: closing the old one must not release it
        assertThat(indexes.claimRebuild("member-3")).isEmpty();
        takenOver.get().close();
    }

    private Timer bulks(String outcome) {
        Timer timer = meters.find("search.opensearch.bulk").tag("outcome", outcome).timer();
        return timer != null ? timer : meters.timer("none-" + outcome);
    }

    /** Blogs of a small vocabulary, so that queries match many and ranking, paging and filters all count. */
    private static List<BlogChange> corpus() {
        String[] words = {"kafka", "outbox", "consumer", "group", "partition", "lucene", "index", "topic", "broker",
                "offset", "commit", "replay", "stream", "streaming", "postgres", "the", "of", "search", "event"};
        Random random = new Random(14);
        List<BlogChange> blogs = new ArrayList<>();
        for (long blog = 1; blog <= 120; blog++) {
            StringBuilder title = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 2 + random.nextInt(4); i++) {
                title.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            for (int i = 0; i < 10 + random.nextInt(60); i++) {
                body.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            List<String> tags = blog % 4 == 0 ? List.of("ops", "Kafka") : List.of("dev");
            blogs.add(new BlogChange(UUID.randomUUID(), BlogChange.Kind.PUBLISHED, blog, 1 + blog % 5, 1,
                    title.toString(), body.toString(), tags));
        }
        return blogs;
    }

    /** Scores are the engines' own floats; what users see of them is the order, compared with the rest. */
    private static SearchResults withoutScores(SearchResults results) {
        return new SearchResults(results.totalHits(), results.totalHitsExact(), results.hits().stream()
                .map(hit -> new SearchResults.Hit(hit.blogId(), hit.authorId(), hit.version(), hit.title(), hit.tags(),
                        null, hit.titleHighlight(), hit.bodyHighlight()))
                .toList());
    }

    private List<String> aliasTargets() throws IOException {
        String body = send("GET", "/_alias/" + alias).body();
        List<String> targets = new ArrayList<>();
        for (String generation : List.of(alias + "-000001", alias + "-000002")) {
            if (body.contains("\"" + generation + "\"")) {
                targets.add(generation);
            }
        }
        return targets;
    }

    private static HttpResponse<String> sendJson(String method, String path, String json) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static HttpResponse<String> send(String method, String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).method(method,
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}

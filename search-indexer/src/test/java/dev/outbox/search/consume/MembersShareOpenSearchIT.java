package dev.outbox.search.consume;

import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.SearchWorld;
import dev.outbox.search.support.Words;
import dev.outbox.testsupport.SharedInfrastructure;
import dev.outbox.testsupport.process.QuarkusAppProcess;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged indexers in one group on the OpenSearch backend: they share the partitions and one index, which ends
 * up holding every live blog once, at its newest version, whichever member indexed it; a rebuild asked of one member
 * while the other's runs is refused.
 */
class MembersShareOpenSearchIT {

    private static final String TOPIC = "blog.events-members";
    private static final int AUTHORS = 50;
    private static final int BLOGS = 1_000;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String OPERATOR_TOKEN = "members-operator-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String originalWord = Words.unique();
    private final String revisedWord = Words.unique();
    private int live;
    private int liveRevised;

    @Test
    void twoMembersShareThePartitionsIndexEveryBlogOnceAtItsNewestVersionAndRebuildOneAtATime() throws Exception {
        Map<String, String> settings = new HashMap<>(SearchWorld.create(TOPIC, TOPIC + ".dlq",
                SearchWorld.newIndexDirectory()));
        settings.put("search.group-id", "search-members");
        settings.put("search.backend", "opensearch");
        settings.put("search.opensearch.url", SharedInfrastructure.openSearch().url());
        settings.put("search.opensearch.alias", "members");
        settings.put("search.consumer.max.poll.records", "200");
        settings.put("search.operator.token", OPERATOR_TOKEN);
        try (QuarkusAppProcess first = QuarkusAppProcess.launch("search-indexer-member-1", settings);
             QuarkusAppProcess second = QuarkusAppProcess.launch("search-indexer-member-2", settings)) {
            first.awaitReady();
            second.awaitReady();
            await("both members own partitions").atMost(DEADLINE)
                    .until(() -> ownsPartitions(first) && ownsPartitions(second));

            publishBacklog();

            for (QuarkusAppProcess member : List.of(first, second)) {
                await().atMost(DEADLINE).untilAsserted(() -> {
                    assertThat(documents(member)).isEqualTo(live);
                    assertThat(totalHits(member, revisedWord)).isEqualTo(liveRevised);
                    assertThat(totalHits(member, originalWord)).isEqualTo(live - liveRevised);
                });
            }

            // One rebuild at a time across the group: the claim is taken before the 202, and the replay of 1,000+
            // events outlasts the second request by far.
            assertThat(postRebuild(first).statusCode()).isEqualTo(202);
            HttpResponse<String> refused = postRebuild(second);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(JsonPath.from(refused.body()).getString("type")).isEqualTo("/problems/rebuild-refused");
            awaitRebuildDone(first);
            assertThat(postRebuild(second).statusCode()).as("once the first finished").isEqualTo(202);
            awaitRebuildDone(second);
            assertThat(documents(first)).isEqualTo(live);
        }
    }

    private static HttpResponse<String> postRebuild(QuarkusAppProcess member) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + member.port() + "/index/rebuild"))
                .header("Authorization", "Bearer " + OPERATOR_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitRebuildDone(QuarkusAppProcess member) {
        await("rebuild on " + member.logFile()).atMost(DEADLINE).until(() ->
                JsonPath.from(member.body("/index/rebuild")).getString("state"), state -> {
                    assertThat(state).isNotEqualTo("failed");
                    return state.equals("done");
                });
    }

    /** Blogs across authors (so across partitions); every third revised (version 2), every fifth deleted. */
    private void publishBacklog() {
        try (BlogEvents producer = new BlogEvents(TOPIC)) {
            for (int i = 1; i <= BLOGS; i++) {
                Blog blog = new Blog(i, 1 + i % AUTHORS, 1, "Post " + i, "First words " + originalWord, List.of());
                producer.published(blog);
                long version = 1;
                boolean revised = i % 3 == 0;
                if (revised) {
                    producer.updated(blog.next("Post " + i + " revised", "New words " + revisedWord));
                    version = 2;
                }
                if (i % 5 == 0) {
                    producer.deleted(i, blog.author(), version + 1);
                } else {
                    live++;
                    liveRevised += revised ? 1 : 0;
                }
            }
        }
    }

    /** Readiness lists the member's partitions; a standby's list is empty. */
    private static boolean ownsPartitions(QuarkusAppProcess member) {
        String partitions = JsonPath.from(member.body("/q/health/ready")).getString(
                "checks.find { it.name == 'search-indexer' }.data.partitions");
        return partitions != null && partitions.contains(TOPIC);
    }

    private static long documents(QuarkusAppProcess member) {
        return JsonPath.from(member.body("/index")).getLong("documents");
    }

    private static long totalHits(QuarkusAppProcess member, String word) {
        return JsonPath.from(member.body("/search?q=" + word)).getLong("total_hits");
    }
}

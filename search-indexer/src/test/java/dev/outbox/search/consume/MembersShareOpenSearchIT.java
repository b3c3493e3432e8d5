package dev.outbox.search.consume;

import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.SearchWorld;
import dev.outbox.search.support.Words;
import dev.outbox.testsupport.SharedInfrastructure;
import dev.outbox.testsupport.process.QuarkusAppProcess;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged indexers in one group on the OpenSearch backend: they share the partitions and one index, which ends
 * up holding every live blog once, at its newest version, whichever member indexed it.
 */
class MembersShareOpenSearchIT {

    private static final String TOPIC = "blog.events-members";
    private static final int AUTHORS = 50;
    private static final int BLOGS = 1_000;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final String originalWord = Words.unique();
    private final String revisedWord = Words.unique();
    private int live;
    private int liveRevised;

    @Test
    void twoMembersShareThePartitionsAndIndexEveryBlogOnceAtItsNewestVersion() {
        Map<String, String> settings = new HashMap<>(SearchWorld.create(TOPIC, TOPIC + ".dlq",
                SearchWorld.newIndexDirectory()));
        settings.put("search.group-id", "search-members");
        settings.put("search.backend", "opensearch");
        settings.put("search.opensearch.url", SharedInfrastructure.openSearch().url());
        settings.put("search.opensearch.alias", "members");
        settings.put("search.consumer.max.poll.records", "200");
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
        }
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

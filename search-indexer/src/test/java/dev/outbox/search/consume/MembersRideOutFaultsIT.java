package dev.outbox.search.consume;

import dev.outbox.embedded.opensearch.OpenSearchServer;
import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.SearchWorld;
import dev.outbox.search.support.Words;
import dev.outbox.testsupport.SharedInfrastructure;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Members of one group on OpenSearch under a steady load of publishes, revisions and deletes, meeting the faults a
 * group meets in production: a member added at 5 % of the load, the oldest member killed -9 at 50 %, the OpenSearch
 * node stopped for 10 s at 55 %, and the killed member started again while the node is down. At the end the index
 * holds every live blog at its newest version, found by its newest word, and no replaced or deleted word is found;
 * every member took partitions at some point. Then a rebuild asked of one member while another's runs is refused. {@code outbox.faults.search-operations} sets the load's size (1,500 by
 * default, 20,000 with {@code -Pfaults}).
 */
class MembersRideOutFaultsIT {

    private static final String TOPIC = "blog.events-faults";
    private static final String GROUP = "search-faults";
    private static final int OPERATIONS = Integer.getInteger("outbox.faults.search-operations", 1_500);
    private static final int OPERATIONS_PER_SECOND = 60;
    private static final int AUTHORS = 50;
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int WORDS_PER_QUERY = 11;
    private static final String OPERATOR_TOKEN = "faults-operator-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CANNOT_OPEN_YET = "Cannot open the search index yet";

    private final Random random = new Random(20261202L);
    private final Map<Long, Blog> live = new HashMap<>();
    private final List<String> goneWords = new ArrayList<>();
    private long lastBlogId;

    @Test
    void membersAddedKilledAndStartedWhileTheNodeIsDownLeaveEveryBlogIndexedOnceAtItsNewestVersionAndRebuildOneAtATime()
            throws Exception {
        Map<String, String> settings = new HashMap<>(SearchWorld.create(TOPIC, TOPIC + ".dlq",
                SearchWorld.newIndexDirectory()));
        settings.put("search.group-id", GROUP);
        settings.put("search.backend", "opensearch");
        settings.put("search.opensearch.url", SharedInfrastructure.openSearch().url());
        settings.put("search.opensearch.alias", "faults");
        // Retries (of batches, and of opening the index at start) no further apart than this: the run ends sooner.
        settings.put("search.max-retry-backoff", "2s");
        settings.put("search.operator.token", OPERATOR_TOKEN);
        List<QuarkusAppProcess> members = new ArrayList<>();
        try {
            runUnderFaultsAndCheckTheIndex(settings, members);
        } finally {
            members.forEach(QuarkusAppProcess::close);
        }
    }

    private void runUnderFaultsAndCheckTheIndex(Map<String, String> settings, List<QuarkusAppProcess> members)
            throws Exception {
        OpenSearchServer node = SharedInfrastructure.openSearch();
        CompletableFuture<Void> outage = CompletableFuture.completedFuture(null);
        QuarkusAppProcess killed;
        try (BlogEvents events = new BlogEvents(TOPIC)) {
            QuarkusAppProcess oldest = launch("search-faults-1", settings, members);
            killed = oldest;
            QuarkusAppProcess survivor = launch("search-faults-2", settings, members);
            oldest.awaitReady();
            survivor.awaitReady();

            long start = System.nanoTime();
            for (int i = 1; i <= OPERATIONS; i++) {
                if (i == OPERATIONS / 20) {
                    launch("search-faults-3", settings, members);
                } else if (i == OPERATIONS / 2) {
                    oldest.kill();
                } else if (i == OPERATIONS * 55 / 100) {
                    outage = CompletableFuture.runAsync(() -> {
                        node.stop();
                        // The killed member comes back while the node is down: it must wait for it, not exit.
                        QuarkusAppProcess restarted = launch("search-faults-1-restarted", settings, members);
                        await("the restarted member finds the node down").atMost(DEADLINE)
                                .until(() -> restarted.log().contains(CANNOT_OPEN_YET));
                        // Queries meanwhile: a 503 problem, whether the member never opened the index or lost it.
                        for (QuarkusAppProcess member : List.of(restarted, survivor)) {
                            await("HTTP on " + member.logFile()).atMost(DEADLINE)
                                    .until(() -> member.status("/search?q=kafka"), status -> status != -1);
                            assertThat(member.status("/search?q=kafka")).isEqualTo(503);
                            assertThat(JsonPath.from(member.body("/search?q=kafka")).getString("type"))
                                    .isEqualTo("/problems/index-unavailable");
                        }
                        LockSupport.parkNanos(OUTAGE.toNanos());
                        node.start();
                    });
                }
                nextOperation(events);
                // Pacing the load, so that each fault meets it in flight.
                LockSupport.parkNanos(start + TimeUnit.SECONDS.toNanos(i) / OPERATIONS_PER_SECOND - System.nanoTime());
            }
            events.flush();
        } finally {
            try {
                outage.join();
            } finally {
                node.start();
            }
        }
        assertThat(members.stream().filter(member -> !member.isAlive()).map(QuarkusAppProcess::logFile))
                .as("exited: only the killed member").containsExactly(killed.logFile());
        List<QuarkusAppProcess> alive = members.stream().filter(QuarkusAppProcess::isAlive).toList();
        // A member commits a batch's offsets only once its bulk request is refreshed: committed up to the end of
        // the topic, every event is searchable.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()))) {
            await("the group committed the whole topic").atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        alive.forEach(QuarkusAppProcess::assertAlive);
                        return committedToTheEnd(admin);
                    });
        }
        for (QuarkusAppProcess member : alive) {
            // A member left without partitions may not have reopened the index yet: it retries on its own schedule,
            // up to search.max-retry-backoff after the node came back, and answers 503 until then.
            await("the index open on " + member.logFile()).atMost(DEADLINE)
                    .until(() -> member.status("/index"), status -> status == 200);
            assertThat(JsonPath.from(member.body("/index")).getLong("documents")).isEqualTo(live.size());
        }
        QuarkusAppProcess asked = alive.get(0);
        for (List<Blog> blogs : inGroups(List.copyOf(live.values()))) {
            Map<Long, Long> expected = new HashMap<>();
            blogs.forEach(blog -> expected.put(blog.id(), blog.version()));
            String words = String.join(" OR ", blogs.stream().map(Blog::body).toList());
            JsonPath found = search(asked, words);
            List<Long> ids = found.getList("results.blog_id", Long.class);
            List<Long> versions = found.getList("results.version", Long.class);
            Map<Long, Long> indexed = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                indexed.put(ids.get(i), versions.get(i));
            }
            assertThat(indexed).as("blog → version found by their newest words: " + words).isEqualTo(expected);
        }
        for (List<String> words : inGroups(goneWords)) {
            assertThat(search(asked, String.join(" OR ", words)).getLong("total_hits"))
                    .as("replaced or deleted words: " + words).isZero();
        }
        for (QuarkusAppProcess member : members) {
            assertThat(member.log()).as(member.logFile() + " took partitions").contains("Partitions assigned: [");
        }

        // One rebuild at a time across the group: the claim is taken before the 202, and the replay of the whole
        // topic outlasts the second request by far.
        QuarkusAppProcess other = alive.get(1);
        assertThat(postRebuild(asked).statusCode()).isEqualTo(202);
        HttpResponse<String> refused = postRebuild(other);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(JsonPath.from(refused.body()).getString("type")).isEqualTo("/problems/rebuild-refused");
        awaitRebuildDone(asked);
        assertThat(postRebuild(other).statusCode()).as("once the first finished").isEqualTo(202);
        awaitRebuildDone(other);
        assertThat(JsonPath.from(asked.body("/index")).getLong("documents")).isEqualTo(live.size());
    }

    /** As many words per query as the query guard allows: 200 characters ("w…" OR ...), 32 terms (two per word). */
    private static <T> List<List<T>> inGroups(List<T> all) {
        List<List<T>> groups = new ArrayList<>();
        for (int from = 0; from < all.size(); from += WORDS_PER_QUERY) {
            groups.add(all.subList(from, Math.min(all.size(), from + WORDS_PER_QUERY)));
        }
        return groups;
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

    /** Twice the words' count of results: a word found in a second document too would show. */
    private static JsonPath search(QuarkusAppProcess member, String words) {
        return JsonPath.from(member.body("/search?size=" + 2 * WORDS_PER_QUERY + "&q="
                + URLEncoder.encode(words, StandardCharsets.UTF_8)));
    }

    private static boolean committedToTheEnd(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        int partitions = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < partitions; partition++) {
            latest.put(new TopicPartition(TOPIC, partition), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream().allMatch(end -> {
            OffsetAndMetadata done = committed.get(end.getKey());
            return done != null && done.offset() >= end.getValue().offset();
        });
    }

    private static QuarkusAppProcess launch(String name, Map<String, String> settings,
                                            List<QuarkusAppProcess> members) {
        QuarkusAppProcess member = QuarkusAppProcess.launch(name, settings);
        synchronized (members) {
            members.add(member);
        }
        return member;
    }

    /** Publishes a new blog (half the time, or always when none is live), revises a live one or deletes one. */
    private void nextOperation(BlogEvents events) {
        int kind = live.isEmpty() ? 0 : random.nextInt(4);
        if (kind <= 1) {
            long id = ++lastBlogId;
            Blog blog = new Blog(id, 1 + id % AUTHORS, 1, "Post " + id, Words.unique(), List.of());
            events.published(blog);
            live.put(id, blog);
            return;
        }
        List<Long> ids = new ArrayList<>(live.keySet());
        Blog blog = live.get(ids.get(random.nextInt(ids.size())));
        goneWords.add(blog.body());
        if (kind == 2) {
            Blog revised = blog.next(blog.title(), Words.unique());
            events.updated(revised);
            live.put(blog.id(), revised);
        } else {
            events.deleted(blog.id(), blog.author(), blog.version() + 1);
            live.remove(blog.id());
        }
    }
}

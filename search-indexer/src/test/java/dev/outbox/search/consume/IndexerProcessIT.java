package dev.outbox.search.consume;

import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.search.support.BlogEvents.Blog;
import dev.outbox.search.support.BlogEvents;
import dev.outbox.search.support.SearchWorld;
import dev.outbox.search.support.Words;
import io.restassured.path.json.JsonPath;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged indexer as a real process: SIGKILLed mid-backlog, restarted with its index folder gone, and unable to
 * go on. Each time the index must end up holding exactly the live blogs at their newest version.
 */
class IndexerProcessIT {

    private static final int AUTHORS = 50;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    Map<String, String> settings;
    Path indexDir;
    String topic;
    String originalWord;
    String revisedWord;
    int live;
    int liveRevised;
    int events;

    @BeforeEach
    void world(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 16);
        topic = "blog.events-" + name;
        indexDir = SearchWorld.newIndexDirectory();
        settings = new HashMap<>(SearchWorld.create(topic, topic + ".dlq", indexDir));
        settings.put("search.group-id", "search-" + name);
        // Small batches: many index commits, so a kill lands between two of them.
        settings.put("search.consumer.max.poll.records", "100");
        originalWord = Words.unique();
        revisedWord = Words.unique();
    }

    @Test
    void killedMidBacklogTheIndexEndsExact() throws IOException {
        publishBacklog(8_000);
        try (QuarkusAppProcess first = QuarkusAppProcess.launch("search-indexer-killed", settings)) {
            first.awaitReady();
            // Kill once a commit is on disk: documents are searchable (near real time) before their commit is.
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> committedOffsets() > 0);
            first.kill();
        }
        assertThat(committedOffsets()).as("events in the index's last commit when killed").isBetween(1L, events - 1L);

        try (QuarkusAppProcess second = QuarkusAppProcess.launch("search-indexer-restarted", settings)) {
            second.awaitReady();
            awaitExact(second);
        }
    }

    @Test
    void aLostIndexFolderIsRebuiltFromTheTopicOnRestart() throws IOException {
        publishBacklog(2_000);
        try (QuarkusAppProcess first = QuarkusAppProcess.launch("search-indexer-first", settings)) {
            first.awaitReady();
            awaitExact(first);
            first.stop();
        }
        deleteTree(indexDir);

        try (QuarkusAppProcess second = QuarkusAppProcess.launch("search-indexer-emptied", settings)) {
            second.awaitReady();
            awaitExact(second);
        }
    }

    @Test
    void anIndexerThatCannotGoOnIsNotReadyExitsNonZeroAndItsRestartCatchesUp() throws IOException {
        publishBacklog(300);
        damageTheRecordedOffsets();

        List<Integer> readiness = new ArrayList<>();
        try (QuarkusAppProcess failing = QuarkusAppProcess.launch("search-indexer-failing", settings)) {
            await("the process exits").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        int status = failing.status("/q/health/ready");
                        if (status > 0) {
                            readiness.add(status);
                        }
                        return !failing.isAlive();
                    });
            assertThat(failing.exitCode()).as("exit code").hasValue(1);
            assertThat(failing.log()).contains("The search consumer cannot go on")
                    .contains("For input string: \"damaged\"");
        }
        assertThat(readiness).as("readiness answers while it ran").contains(503).doesNotContain(200);

        // What an operator does with an index that cannot say where it stopped: drop it, the topic rebuilds it.
        deleteTree(indexDir);
        try (QuarkusAppProcess restarted = QuarkusAppProcess.launch("search-indexer-recovered", settings)) {
            restarted.awaitReady();
            awaitExact(restarted);
        }
    }

    /**
     * A live index whose last commit records an offset that is no number, as a damaged or hand-edited index would:
     * the indexer cannot tell where to start reading, which is read in the group's rebalance listener.
     */
    private void damageTheRecordedOffsets() throws IOException {
        Files.writeString(indexDir.resolve("CURRENT"), "generation-000001\n", StandardCharsets.UTF_8);
        try (FSDirectory generation = FSDirectory.open(indexDir.resolve("generation-000001"));
             IndexWriter writer = new IndexWriter(generation, new IndexWriterConfig())) {
            writer.setLiveCommitData(Map.of("kafka.offset:" + topic + "-0", "damaged").entrySet());
            writer.commit();
        }
    }

    /** Publishes blogs across authors; every third is revised (new text, version 2), every fifth deleted. */
    private void publishBacklog(int blogs) {
        try (BlogEvents producer = new BlogEvents(topic)) {
            for (int i = 1; i <= blogs; i++) {
                Blog blog = new Blog(i, 1 + i % AUTHORS, 1, "Post " + i, "First words " + originalWord, List.of());
                producer.published(blog);
                events++;
                long version = 1;
                boolean revised = i % 3 == 0;
                if (revised) {
                    producer.updated(blog.next("Post " + i + " revised", "New words " + revisedWord));
                    version = 2;
                    events++;
                }
                if (i % 5 == 0) {
                    producer.deleted(i, blog.author(), version + 1);
                    events++;
                } else {
                    live++;
                    liveRevised += revised ? 1 : 0;
                }
            }
        }
    }

    /** Every live blog once, at its newest text: revised ones only by the new words, the rest only by the old. */
    private void awaitExact(QuarkusAppProcess indexer) {
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).until(() -> documents(indexer) >= live);
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(documents(indexer)).isEqualTo(live);
            assertThat(totalHits(indexer, revisedWord)).isEqualTo(liveRevised);
            assertThat(totalHits(indexer, originalWord)).isEqualTo(live - liveRevised);
        });
    }

    /** What the process has durably indexed: the offsets in its index's last Lucene commit, 0 before the first. */
    private long committedOffsets() throws IOException {
        Path generation = indexDir.resolve("generation-000001");
        if (!Files.isDirectory(generation)) {
            return 0;
        }
        try (FSDirectory directory = FSDirectory.open(generation)) {
            if (!DirectoryReader.indexExists(directory)) {
                return 0;
            }
            return SegmentInfos.readLatestCommit(directory).getUserData().values().stream()
                    .mapToLong(Long::parseLong).sum();
        }
    }

    private static long documents(QuarkusAppProcess indexer) {
        return JsonPath.from(indexer.body("/index")).getLong("documents");
    }

    private static long totalHits(QuarkusAppProcess indexer, String word) {
        return JsonPath.from(indexer.body("/search?q=" + word)).getLong("total_hits");
    }

    private static void deleteTree(Path tree) throws IOException {
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

package dev.outbox.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.local.demo.Api;
import dev.outbox.testsupport.process.LoopbackPorts;
import dev.outbox.testsupport.process.WorkDirectory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The four services as real processes on embedded Postgres and Kafka: publishes, updates and deletes through the
 * HTTP API, then every downstream view must equal the truth the test kept — each author's total_blogs, the search
 * index (exactly the live blogs, each at its latest text), and the topic (every committed write, by blog and
 * version).
 */
class PipelineEndToEndIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    static LocalPipeline pipeline;
    static LocalSettings settings;
    static Api api;

    /** A blog as the test last wrote it; {@code word} is in its current text and nowhere else. */
    record Blog(long id, Api.Author author, long version, String word, boolean live) {
    }

    @BeforeAll
    static void startThePipeline() {
        List<Integer> ports = IntStream.range(0, 7).mapToObj(i -> LoopbackPorts.pick()).toList();
        settings = new LocalSettings(Path.of("..").toAbsolutePath().normalize(),
                WorkDirectory.newInstanceDirectory("end-to-end").resolve("data"), false, ports.get(0), ports.get(1),
                ports.get(2), ports.get(3), ports.get(4), ports.get(5), ports.get(6));
        pipeline = new LocalPipeline(settings, System.out);
        pipeline.start();
        api = new Api("http://127.0.0.1:" + settings.blogPort(), "http://127.0.0.1:" + settings.searchPort());
    }

    @AfterAll
    static void stopThePipeline() {
        if (pipeline != null) {
            pipeline.stop();
        }
    }

    @Test
    void publishesUpdatesAndDeletesConvergeToTheTruthInCountsSearchAndTheTopic() throws Exception {
        Random random = new Random(7);
        List<Api.Author> authors = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            authors.add(api.signUp("e2e_author_" + i));
        }
        Map<Long, Blog> blogs = new HashMap<>();
        Set<String> staleWords = new HashSet<>();
        Set<String> writes = new HashSet<>();
        for (int operation = 0; operation < 300; operation++) {
            List<Blog> live = blogs.values().stream().filter(Blog::live).toList();
            int dice = random.nextInt(100);
            if (live.isEmpty() || dice < 60) {
                Api.Author author = authors.get(random.nextInt(authors.size()));
                String word = word();
                long id = api.publish(author, "Post " + word, "Body of " + word, List.of("e2e"));
                blogs.put(id, new Blog(id, author, 1, word, true));
                writes.add(id + "@1:BlogPublished");
            } else {
                Blog blog = live.get(random.nextInt(live.size()));
                staleWords.add(blog.word());
                if (dice < 85) {
                    String word = word();
                    long version = api.update(blog.author(), blog.id(), "Revised " + word, "Now " + word, List.of());
                    blogs.put(blog.id(), new Blog(blog.id(), blog.author(), version, word, true));
                    writes.add(blog.id() + "@" + version + ":BlogUpdated");
                } else {
                    api.delete(blog.author(), blog.id());
                    blogs.put(blog.id(), new Blog(blog.id(), blog.author(), blog.version() + 1, null, false));
                    writes.add(blog.id() + "@" + (blog.version() + 1) + ":BlogDeleted");
                }
            }
        }
        List<Blog> live = blogs.values().stream().filter(Blog::live).toList();

        await("every author's total_blogs").atMost(DEADLINE).untilAsserted(() -> {
            for (Api.Author author : authors) {
                assertThat(api.totalBlogs(author.id())).as("total_blogs of %d", author.id())
                        .isEqualTo(live.stream().filter(blog -> blog.author().equals(author)).count());
            }
        });
        // A blank query lists every live blog in the index: exactly the live ones, each at its latest text.
        await("the search index").atMost(DEADLINE).until(() -> api.searchHits("") == live.size());
        await("each blog at its latest version").atMost(DEADLINE).untilAsserted(() -> {
            for (Blog blog : live) {
                JsonNode found = api.search(blog.word());
                assertThat(found.get("total_hits").asLong()).as("hits for %s", blog.word()).isEqualTo(1);
                assertThat(found.at("/results/0/blog_id").asLong()).isEqualTo(blog.id());
                assertThat(found.at("/results/0/version").asLong()).isEqualTo(blog.version());
            }
            for (String stale : staleWords) {
                assertThat(api.searchHits(stale)).as("old or deleted text %s", stale).isZero();
            }
        });
        Map<String, Integer> onTopic = writesOnTopic(writes);
        assertThat(onTopic.keySet()).as("every committed write on the topic").containsAll(writes);
        long duplicates = onTopic.values().stream().mapToInt(copies -> copies - 1).sum();
        System.out.printf("%d writes, %d live blogs, %d duplicate deliveries on the topic%n", writes.size(),
                live.size(), duplicates);
    }

    /** Reads the topic from the start until every expected write is there; "blog@version:type" → copies seen. */
    private Map<String, Integer> writesOnTopic(Set<String> expected) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + settings.kafkaPort(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, 3)
                    .mapToObj(p -> new TopicPartition(LocalPipeline.TOPIC, p)).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            await("every write on the topic").atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                    JsonNode event = JSON.readTree(record.value());
                    seen.merge(event.get("blog_id").asLong() + "@" + event.get("version").asLong() + ":"
                            + event.get("event_type").asText(), 1, Integer::sum);
                }
                return seen.keySet().containsAll(expected);
            });
        }
        return seen;
    }

    private static String word() {
        return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}

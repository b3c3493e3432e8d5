package dev.outbox.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.local.demo.Api;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishes, updates and deletes through the HTTP API and keeps the truth they leave, then checks that every view
 * downstream shows exactly that truth: each author's total_blogs, the search index (the live blogs, each at its
 * latest text; old and deleted text gone) and the topic (every committed write, by blog, version and type).
 */
final class Workload {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A blog as last written; {@code word} is in its current text and nowhere else. */
    record Blog(long id, Api.Author author, long version, String word, boolean live) {
    }

    /**
     * What the views showed once they converged; duplicates are extra deliveries of this workload's writes seen on the
     * topic; unavailable counts the 503 + Retry-After answers that were retried. {@code countedAfterLastWrite} and
     * {@code indexedAfterLastWrite} are how long after the last write returned every author's {@code total_blogs},
     * and the index's blogs per author, were right (to within the checks' polling, 100 ms): issue 17's "caught up".
     */
    record Outcome(int writes, long liveBlogs, long duplicatesOnTopic, int unavailable, Duration countedAfterLastWrite,
                   Duration indexedAfterLastWrite) {
    }

    /** How long one write may keep being refused with 503 before the run fails. */
    private static final Duration UNAVAILABLE_FOR_AT_MOST = Duration.ofMinutes(2);

    private final Api api;
    private final List<Api.Author> authors;
    private final Map<Long, Blog> blogs = new ConcurrentHashMap<>();
    private final Set<String> staleWords = ConcurrentHashMap.newKeySet();
    private final Set<String> writes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger imports = new AtomicInteger();
    private final AtomicLong lastWriteAt = new AtomicLong();
    private final Object hold = new Object();
    /** Writers start no operation while this many are done (guarded by {@link #hold}). */
    private int heldAt = Integer.MAX_VALUE;

    private Workload(Api api, List<Api.Author> authors) {
        this.api = api;
        this.authors = authors;
    }

    static Workload signUp(Api api, String prefix, int authors) throws Exception {
        List<Api.Author> signedUp = new ArrayList<>();
        for (int i = 0; i < authors; i++) {
            signedUp.add(api.signUp(prefix + "_" + i));
        }
        return new Workload(api, signedUp);
    }

    /** The ids of the blogs written so far, live or deleted. */
    List<Long> blogIds() {
        return List.copyOf(blogs.keySet());
    }

    /** Operations completed so far, for timing faults. */
    int done() {
        return done.get();
    }

    /**
     * Writers pause once {@code operations} are done (a few more may be in flight), until the next call moves the
     * mark: a fault meant for that moment then lands under load however long the fault before it took, instead of
     * after the writers have finished the run. {@code Integer.MAX_VALUE} lets them run to the end.
     */
    void holdAt(int operations) {
        synchronized (hold) {
            heldAt = operations;
            hold.notifyAll();
        }
    }

    private void awaitNotHeld() throws InterruptedException {
        synchronized (hold) {
            while (done.get() >= heldAt) {
                hold.wait();
            }
        }
    }

    /**
     * Runs {@code operations} random writes (60 % publish, 25 % update, 15 % delete) on {@code threads} threads,
     * each owning every {@code threads}-th author, so no two threads write the same blog.
     */
    void run(int operations, int threads, long seed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                List<Api.Author> mine = IntStream.range(0, authors.size()).filter(i -> i % threads == thread)
                        .mapToObj(authors::get).toList();
                int share = operations / threads + (thread < operations % threads ? 1 : 0);
                Random random = new Random(seed + thread);
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        awaitNotHeld();
                        write(mine, random);
                        lastWriteAt.accumulateAndGet(System.nanoTime(), Math::max);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<Void> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void write(List<Api.Author> mine, Random random) throws Exception {
        Api.Author author = mine.get(random.nextInt(mine.size()));
        List<Blog> live = blogs.values().stream().filter(blog -> blog.live() && blog.author().equals(author)).toList();
        int dice = random.nextInt(100);
        if (live.isEmpty() || dice < 60) {
            String word = word();
            // The key makes a retried publish answer the blog a first attempt may have published.
            long id = retried(() -> api.publish(author, "Post " + word, "Body of " + word, List.of(), word));
            blogs.put(id, new Blog(id, author, 1, word, true));
            writes.add(id + "@1:BlogPublished");
            return;
        }
        Blog blog = live.get(random.nextInt(live.size()));
        staleWords.add(blog.word());
        if (dice < 85) {
            String word = word();
            long version = retried(() -> api.update(author, blog.id(), "Revised " + word, "Now " + word, List.of()));
            blogs.put(blog.id(), new Blog(blog.id(), author, version, word, true));
            writes.add(blog.id() + "@" + version + ":BlogUpdated");
        } else {
            AtomicBoolean retry = new AtomicBoolean();
            retried(() -> {
                try {
                    api.delete(author, blog.id());
                } catch (Api.NotFound e) {
                    // The first attempt's COMMIT was cut off (503 outcome-unknown) and went through: the blog is gone.
                    if (!retry.get()) {
                        throw e;
                    }
                } finally {
                    retry.set(true);
                }
                return null;
            });
            blogs.put(blog.id(), new Blog(blog.id(), author, blog.version() + 1, null, false));
            writes.add(blog.id() + "@" + (blog.version() + 1) + ":BlogDeleted");
        }
    }

    /** Runs a write, honouring Retry-After while blog-app answers 503 (nothing written), as a client should. */
    private <T> T retried(Callable<T> write) throws Exception {
        long giveUp = System.nanoTime() + UNAVAILABLE_FOR_AT_MOST.toNanos();
        while (true) {
            try {
                return write.call();
            } catch (Api.Unavailable e) {
                unavailable.incrementAndGet();
                if (System.nanoTime() > giveUp) {
                    throw e;
                }
                Thread.sleep(e.retryAfter().toMillis());
            }
        }
    }

    /**
     * Publishes {@code count} blogs for the next author in one transaction ({@code POST /blogs/import}), beside the
     * running writes.
     */
    void importBlogs(int count) throws Exception {
        Api.Author author = authors.get(imports.getAndIncrement() % authors.size());
        List<String> words = IntStream.range(0, count).mapToObj(i -> word()).toList();
        List<Long> ids = retried(() -> api.importBlogs(author, words.stream()
                .map(word -> new Api.Draft("Imported " + word, "Archive of " + word, List.of())).toList()));
        for (int i = 0; i < count; i++) {
            blogs.put(ids.get(i), new Blog(ids.get(i), author, 1, words.get(i), true));
            writes.add(ids.get(i) + "@1:BlogPublished");
        }
        lastWriteAt.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Waits until counts, index and topic show the truth; fails with the first difference at the deadline. */
    Outcome awaitConverged(String kafkaBootstrapServers, Duration deadline) throws Exception {
        List<Blog> live = blogs.values().stream().filter(Blog::live).toList();
        await("every author's total_blogs").atMost(deadline).untilAsserted(() -> {
            for (Api.Author author : authors) {
                assertThat(api.totalBlogs(author.id())).as("total_blogs of %d", author.id())
                        .isEqualTo(live.stream().filter(blog -> blog.author().equals(author)).count());
            }
        });
        Duration counted = Duration.ofNanos(System.nanoTime() - lastWriteAt.get());
        // A blank query lists every live blog of the author in the index.
        await("the search index").atMost(deadline).untilAsserted(() -> {
            for (Api.Author author : authors) {
                assertThat(api.searchHits("", author.id())).as("blogs of %d in the index", author.id())
                        .isEqualTo(live.stream().filter(blog -> blog.author().equals(author)).count());
            }
        });
        Duration indexed = Duration.ofNanos(System.nanoTime() - lastWriteAt.get());
        await("each blog at its latest version").atMost(deadline).untilAsserted(() -> {
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
        Map<String, List<String>> onTopic = writesOnTopic(kafkaBootstrapServers, deadline);
        assertThat(onTopic.keySet()).as("every committed write on the topic").containsAll(writes);
        for (String write : writes) {
            assertThat(Set.copyOf(onTopic.get(write))).as("event ids of the copies of %s: one event, redelivered",
                    write).hasSize(1);
        }
        return new Outcome(writes.size(), live.size(),
                writes.stream().mapToLong(write -> onTopic.get(write).size() - 1).sum(), unavailable.get(), counted,
                indexed);
    }

    /** Reads the topic from the start until every write is there; "blog@version:type" → the event id of each copy. */
    private Map<String, List<String>> writesOnTopic(String bootstrapServers, Duration deadline) {
        Map<String, List<String>> seen = new HashMap<>();
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, 3)
                    .mapToObj(p -> new TopicPartition(Topics.EVENTS, p)).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            await("every write on the topic").atMost(deadline).until(() -> {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                    JsonNode event = readable(record.value());
                    if (event != null && event.has("blog_id") && event.has("version") && event.has("event_type")) {
                        seen.computeIfAbsent(event.get("blog_id").asLong() + "@" + event.get("version").asLong() + ":"
                                + event.get("event_type").asText(), write -> new ArrayList<>())
                                .add(event.path("event_id").asText());
                    }
                }
                return seen.keySet().containsAll(writes);
            });
        }
        return seen;
    }

    /** The event, or null for a record that is not JSON (a fault run may inject such poison). */
    private static JsonNode readable(String value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    private static String word() {
        return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}

package dev.outbox.search.rebuild;

import dev.outbox.consumer.PoisonEventException;
import dev.outbox.consumer.Records;
import dev.outbox.contract.EventHeaders;
import dev.outbox.search.SearchConfig;
import dev.outbox.search.index.BlogChange;
import dev.outbox.search.index.IndexUnavailableException;
import dev.outbox.search.index.LiveIndex;
import dev.outbox.search.index.Partition;
import dev.outbox.search.index.SearchIndex;
import dev.outbox.search.index.SearchIndexes;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Rebuilds the index from the topic while the live one keeps serving: replays every partition from its first
 * offset into a fresh index (the live consumer goes on meanwhile), then, with live indexing paused, reads what
 * arrived since and swaps. Blogs the topic no longer retains cannot come back: the topic's retention bounds
 * what a rebuild can see (docs/search.md).
 */
@ApplicationScoped
public class IndexRebuild {

    private static final Logger LOG = Logger.getLogger(IndexRebuild.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** A replay that reads nothing for this long while records remain is failed rather than left hanging. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Well within the claim's lease (four minutes on OpenSearch). */
    private static final Duration CLAIM_RENEWAL = Duration.ofSeconds(15);

    @Inject
    SearchConfig config;

    @Inject
    SearchIndexes indexes;

    @Inject
    LiveIndex live;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private volatile RebuildStatus status = RebuildStatus.never();
    private volatile boolean shuttingDown;

    /** Why a rebuild did not start. */
    public static class RefusedException extends RuntimeException {

        RefusedException(String reason) {
            super(reason);
        }
    }

    /**
     * Starts a rebuild in the background. Refused while one runs, here or in any member sharing the index (the claim
     * is taken before this returns), and when retention already deleted the start of a partition: the blogs
     * published there would vanish from search, unless {@code allowPartial}.
     */
    public synchronized void start(boolean allowPartial) {
        if (!live.isOpen()) {
            throw new IndexUnavailableException("The live index is not open yet: nothing to swap a rebuild with", null);
        }
        if (status.isRunning()) {
            throw new RefusedException("A rebuild is already running; follow it at GET /index/rebuild.");
        }
        if (!allowPartial) {
            String truncated = truncatedPartitions();
            if (!truncated.isEmpty()) {
                throw new RefusedException("The topic no longer holds every event (" + truncated + "): retention "
                        + "deleted the oldest, so a rebuild would drop the blogs they published. Keep "
                        + config.topic() + " forever (retention.ms=-1), or rebuild anyway with allow_partial=true.");
            }
        }
        SearchIndexes.RebuildClaim claim;
        try {
            claim = indexes.claimRebuild(owner()).orElseThrow(() -> new RefusedException("A rebuild is already "
                    + "running in another member of group " + config.groupId() + " on the same index; follow it at "
                    + "GET /index/rebuild on the members."));
        } catch (IOException e) {
            throw new IndexUnavailableException("Cannot claim the rebuild: " + e, e);
        }
        status = RebuildStatus.started(Instant.now());
        new Thread(() -> run(claim), "search-rebuild").start();
    }

    public RebuildStatus status() {
        return status;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        shuttingDown = true;
    }

    private void run(SearchIndexes.RebuildClaim claim) {
        SearchIndex fresh = null;
        boolean swapped = false;
        try (claim; KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(readerProperties())) {
            List<TopicPartition> partitions = partitions(reader);
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            fresh = indexes.createFresh();
            LOG.infof("Rebuilding the search index into %s from %d partitions of %s", fresh.location(),
                    partitions.size(), config.topic());
            replay(reader, fresh, reader.endOffsets(partitions), claim);
            status = status.swapping();
            SearchIndex rebuilt = fresh;
            live.swap(() -> {
                replay(reader, rebuilt, reader.endOffsets(partitions), claim);
                return rebuilt;
            });
            swapped = true;
            status = status.done(Instant.now(), rebuilt.documents(), rebuilt.name());
        } catch (Exception e) {
            LOG.error("The search index rebuild failed; the live index is unchanged", e);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            // GET /index/rebuild is readable without the operator token: the log has the path, the answer does not.
            status = status.failed(Instant.now(), reason.replace(config.indexDir().toAbsolutePath().toString(),
                    "search.index-dir"));
        } finally {
            if (fresh != null && !swapped) {
                discard(fresh);
            }
        }
    }

    /** Partitions whose first offset is not 0, as "topic-partition starts at offset n", or "" when none. */
    private String truncatedPartitions() {
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(readerProperties())) {
            List<TopicPartition> partitions = partitions(reader);
            return reader.beginningOffsets(partitions, REQUEST_TIMEOUT).entrySet().stream()
                    .filter(start -> start.getValue() > 0)
                    .map(start -> start.getKey() + " starts at offset " + start.getValue())
                    .sorted()
                    .collect(Collectors.joining(", "));
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> reader) {
        return reader.partitionsFor(config.topic(), REQUEST_TIMEOUT).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    /** Reads every partition up to {@code targets} into {@code index}; poison events are counted and skipped. */
    private void replay(KafkaConsumer<byte[], byte[]> reader, SearchIndex index, Map<TopicPartition, Long> targets,
                        SearchIndexes.RebuildClaim claim) throws IOException, TimeoutException {
        Instant lastProgress = Instant.now();
        Instant lastRenewal = Instant.now();
        while (!reached(reader, targets)) {
            if (Duration.between(lastRenewal, Instant.now()).compareTo(CLAIM_RENEWAL) > 0) {
                claim.renew();
                lastRenewal = Instant.now();
            }
            if (shuttingDown) {
                throw new IllegalStateException("shutting down");
            }
            ConsumerRecords<byte[], byte[]> batch = reader.poll(POLL_TIMEOUT);
            if (batch.isEmpty()) {
                if (Duration.between(lastProgress, Instant.now()).compareTo(STALL_LIMIT) > 0) {
                    throw new TimeoutException("read nothing for " + STALL_LIMIT + " with records left to replay");
                }
                continue;
            }
            lastProgress = Instant.now();
            List<BlogChange> changes = new ArrayList<>(batch.count());
            Map<Partition, Long> next = new HashMap<>();
            int poison = 0;
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                next.put(new Partition(record.topic(), record.partition()), record.offset() + 1);
                try {
                    changes.add(BlogChange.read(Records.header(record, EventHeaders.ID), record.value()));
                } catch (PoisonEventException e) {
                    poison++;
                }
            }
            index.apply(changes, next);
            status = status.progressed(batch.count(), poison);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> reader, Map<TopicPartition, Long> targets) {
        return targets.entrySet().stream().allMatch(target -> reader.position(target.getKey()) >= target.getValue());
    }

    private void discard(SearchIndex fresh) {
        try {
            indexes.discard(fresh);
        } catch (IOException e) {
            LOG.warnf(e, "Could not remove the unfinished index %s; it is removed at the next start", fresh.location());
        }
    }

    /** Names this process to a member whose rebuild is refused, in the claim. */
    private String owner() {
        String host = System.getenv().getOrDefault("HOSTNAME", "unknown-host");
        return config.instanceId().orElse(host) + " (pid " + ProcessHandle.current().pid() + ")";
    }

    /** No group: a rebuild reads on its own and commits nothing, so the live group's offsets stay untouched. */
    private Map<String, Object> readerProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-rebuild");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(config.consumer());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }
}

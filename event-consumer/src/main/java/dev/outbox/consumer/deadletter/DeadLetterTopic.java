package dev.outbox.consumer.deadletter;

import dev.outbox.consumer.DeadLetters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Lists and replays the consumer groups' dead letters: the one implementation behind {@code ./run-local dlq} and the
 * relay's {@code /dead-letters} endpoints.
 * <p>
 * A replay publishes the chosen dead letters again to the partition they were read from, with their key, value and
 * event headers (the event id among them, so a group that applied one already skips it) plus
 * {@code dlq.replayed-from}; only once Kafka acknowledged them does it append a marker per dead letter to the
 * dead-letter topic ({@link ReplayHeaders}). The topic is thereby its own record of what was replayed: a dead letter
 * with a marker is not replayed again. A crash between the two, or two operators replaying at once, publishes an
 * event twice, which the groups' dedupe by event id absorbs.
 */
public final class DeadLetterTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final Map<String, Object> client;

    /** Why a list or replay did nothing; {@link #reason()} tells callers which answer to give. */
    public static final class Refused extends Exception {

        public enum Reason { UNKNOWN_GROUP, NOTHING_MATCHED, ALREADY_REPLAYED }

        private final Reason reason;

        Refused(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** What a replay did: the dead letters published again, and those left alone as replayed before. */
    public record Replayed(List<DeadLetter> replayed, List<DeadLetter> alreadyReplayed) {
    }

    /** @param clientSettings Kafka client settings (e.g. {@code security.protocol}) for every client it opens */
    public DeadLetterTopic(String bootstrapServers, String topic, Map<String, String> clientSettings) {
        this.topic = topic;
        this.client = new HashMap<>(clientSettings);
        this.client.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    public String topic() {
        return topic;
    }

    /** The selected dead letters, oldest first per partition of the dead-letter topic, each with its replay if any. */
    public List<DeadLetter> list(DeadLetterSelection selection) throws Refused {
        List<DeadLetter> all = readAll();
        requireKnown(selection, all);
        return all.stream().filter(selection::matches).toList();
    }

    /**
     * Publishes the selected dead letters not replayed yet. Refused for an unknown group, when nothing matched, and
     * when everything that matched was replayed before.
     */
    public Replayed replay(DeadLetterSelection selection) throws Refused, InterruptedException {
        if (selection.group().isEmpty()) {
            throw new IllegalArgumentException("a replay is for one consumer group: name it");
        }
        List<DeadLetter> matched = list(selection);
        if (matched.isEmpty()) {
            throw new Refused(Refused.Reason.NOTHING_MATCHED, "No dead letter of group '" + selection.group().get()
                    + "' matches " + describe(selection));
        }
        List<DeadLetter> before = matched.stream().filter(d -> d.replay().isPresent()).toList();
        List<DeadLetter> due = matched.stream().filter(d -> d.replay().isEmpty()).toList();
        if (due.isEmpty()) {
            throw new Refused(Refused.Reason.ALREADY_REPLAYED, "Every dead letter that matches was replayed before ("
                    + String.join(", ", before.stream().map(d -> d.position() + " at " + d.replay().get().at())
                    .toList()) + "); nothing was published");
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings())) {
            List<Future<RecordMetadata>> published = due.stream().map(d -> producer.send(republished(d))).toList();
            producer.flush();
            Instant at = Instant.now();
            List<DeadLetter> done = new ArrayList<>();
            for (int i = 0; i < due.size(); i++) {
                RecordMetadata landed = await(published.get(i));
                done.add(due.get(i).replayed(new DeadLetter.Replay(at,
                        new Position(landed.topic(), landed.partition(), landed.offset()))));
            }
            List<Future<RecordMetadata>> marked = done.stream().map(d -> producer.send(marker(d))).toList();
            producer.flush();
            for (Future<RecordMetadata> ack : marked) {
                await(ack);
            }
            return new Replayed(done, before);
        }
    }

    private static ProducerRecord<byte[], byte[]> republished(DeadLetter deadLetter) {
        RecordHeaders headers = new RecordHeaders(deadLetter.eventHeaders().toArray(Header[]::new));
        headers.add(ReplayHeaders.REPLAYED_FROM, utf8(deadLetter.position().toString()));
        // The partition it was read from: the key's other events are there, in order.
        return new ProducerRecord<>(deadLetter.source().topic(), deadLetter.source().partition(), null,
                deadLetter.key(), deadLetter.value(), headers);
    }

    private static ProducerRecord<byte[], byte[]> marker(DeadLetter deadLetter) {
        DeadLetter.Replay replay = deadLetter.replay().orElseThrow();
        RecordHeaders headers = new RecordHeaders();
        headers.add(ReplayHeaders.REPLAY_OF, utf8(deadLetter.position().toString()));
        headers.add(ReplayHeaders.REPLAYED_TO, utf8(replay.to().toString()));
        headers.add(ReplayHeaders.REPLAYED_AT, utf8(replay.at().toString()));
        headers.add(DeadLetters.CONSUMER_GROUP, utf8(deadLetter.group()));
        return new ProducerRecord<>(deadLetter.position().topic(), deadLetter.position().partition(), null,
                deadLetter.key(), null, headers);
    }

    /** Every dead letter on the topic up to its end as of now, markers applied. */
    private List<DeadLetter> readAll() {
        Map<Position, DeadLetter> deadLetters = new LinkedHashMap<>();
        Map<Position, DeadLetter.Replay> replays = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("There is no dead-letter topic " + topic);
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), TIMEOUT) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    Position replayOf = Position.parse(DeadLetter.text(record, ReplayHeaders.REPLAY_OF));
                    if (replayOf != null) {
                        replays.put(replayOf, new DeadLetter.Replay(
                                Instant.parse(DeadLetter.text(record, ReplayHeaders.REPLAYED_AT)),
                                Position.parse(DeadLetter.text(record, ReplayHeaders.REPLAYED_TO))));
                    } else {
                        deadLetters.put(DeadLetter.positionOf(record), DeadLetter.read(record));
                    }
                }
            }
        }
        return deadLetters.values().stream()
                .map(d -> replays.containsKey(d.position()) ? d.replayed(replays.get(d.position())) : d)
                .toList();
    }

    /** A group is known when it has dead letters or is a consumer group on the cluster (one without dead letters). */
    private void requireKnown(DeadLetterSelection selection, List<DeadLetter> all) throws Refused {
        if (selection.group().isEmpty()) {
            return;
        }
        String group = selection.group().get();
        Set<String> known = all.stream().map(DeadLetter::group).filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        if (known.contains(group)) {
            return;
        }
        try (Admin admin = Admin.create(adminSettings())) {
            admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach(listing -> known.add(listing.groupId()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list the consumer groups: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing the consumer groups", e);
        }
        if (!known.contains(group)) {
            throw new Refused(Refused.Reason.UNKNOWN_GROUP, "There is no consumer group '" + group
                    + "' and no dead letter names it; known groups: " + String.join(", ", known));
        }
    }

    private static String describe(DeadLetterSelection selection) {
        List<String> filters = new ArrayList<>();
        if (!selection.eventIds().isEmpty()) {
            filters.add("event id " + String.join(", ", selection.eventIds().stream().map(Object::toString)
                    .sorted().toList()));
        }
        selection.since().ifPresent(since -> filters.add("dead-lettered since " + since));
        return filters.isEmpty() ? "(it has none)" : String.join(" and ", filters);
    }

    private static RecordMetadata await(Future<RecordMetadata> ack) throws InterruptedException {
        try {
            return ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused a record: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge within " + TIMEOUT, e);
        }
    }

    private Map<String, Object> consumerSettings() {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return settings;
    }

    private Map<String, Object> adminSettings() {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return settings;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.outbox.relay.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outbox.contract.EventHeaders;
import io.debezium.data.Envelope;
import io.debezium.transforms.outbox.EventRouter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a captured outbox insert into the Kafka record data engineers read: Debezium's Outbox Event Router
 * picks topic ({@code aggregatetype} + suffix), key ({@code aggregateid}) and payload (the jsonb text, sent
 * as real JSON), and this adds CloudEvents binary-mode headers so any tool can read the events, and the source
 * transaction's commit time ({@code committedAt}) from which the consumer groups measure their freshness. A row that
 * carries the publish's trace context ({@code tracingspancontext}) gets a W3C {@code traceparent} header from the
 * router, which continues that trace with spans of its own when the relay exports them.
 * Everything else the connector emits (heartbeats, the heartbeat table, the outbox's own deletes) has no
 * Kafka record; it still advances the offsets.
 */
final class OutboxRouting implements AutoCloseable {

    private static final String CLOUD_EVENTS_TYPE_PREFIX = "dev.outbox.";
    /** The engine's bookkeeping (connector name, task, run id): meaningless to readers of the topic. */
    private static final String DEBEZIUM_INTERNAL_HEADER_PREFIX = "__debezium.";
    /** Characters of one text column kept in a dead letter: well below Kafka's default 1 MiB request. */
    static final int DEAD_LETTER_TEXT_LIMIT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventRouter<SourceRecord> router = new EventRouter<>();
    private final String outboxTopic;
    private final String cloudEventsSource;
    private final String deadLetterTopic;

    OutboxRouting(RelayConfig relay) {
        this.outboxTopic = EngineProperties.TOPIC_PREFIX + "." + relay.outboxTable();
        this.cloudEventsSource = relay.cloudEventsSource();
        this.deadLetterTopic = relay.deadLetterTopic();
        router.configure(Map.of(
                "route.topic.replacement", "${routedByValue}" + relay.topicSuffix(),
                "table.fields.additional.placement",
                "type:header:" + EventHeaders.EVENT_TYPE + ",aggregatetype:header:aggregateType,"
                        + "occurred_at:header:occurredAt,schema_version:header:schemaVersion",
                // The router's defaults, spelled out: rows without a context (written before blog-app traced, or
                // by a request nobody traces) start no trace of their own.
                "tracing.span.context.field", "tracingspancontext",
                "tracing.with.context.field.only", "true"));
    }

    /** The Kafka record for an outbox insert; empty for anything else. */
    Optional<ProducerRecord<byte[], byte[]>> toKafka(SourceRecord captured) {
        if (!isOutboxInsert(captured)) {
            return Optional.empty();
        }
        SourceRecord routed = router.apply(captured);
        RecordHeaders headers = new RecordHeaders();
        for (Header header : routed.headers()) {
            if (!header.key().startsWith(DEBEZIUM_INTERNAL_HEADER_PREFIX)) {
                headers.add(header.key(), utf8(String.valueOf(header.value())));
            }
        }
        String eventType = String.valueOf(routed.headers().lastWithName(EventHeaders.EVENT_TYPE).value());
        String aggregateType = String.valueOf(routed.headers().lastWithName("aggregateType").value());
        headers.add("ce_specversion", utf8("1.0"));
        headers.add("ce_id", utf8(String.valueOf(routed.headers().lastWithName(EventHeaders.ID).value())));
        headers.add("ce_type", utf8(CLOUD_EVENTS_TYPE_PREFIX + aggregateType + "." + eventType));
        headers.add("ce_source", utf8(cloudEventsSource));
        headers.add("ce_time", utf8(String.valueOf(routed.headers().lastWithName("occurredAt").value())));
        headers.add("content-type", utf8("application/json"));
        // The consumers' freshness starts here; the record timestamp stays as it is, since retention reads it.
        commitTimeMillis(captured)
                .ifPresent(millis -> headers.add(EventHeaders.COMMITTED_AT, utf8(Long.toString(millis))));
        return Optional.of(new ProducerRecord<>(routed.topic(), null, routed.timestamp(),
                utf8(String.valueOf(routed.key())), utf8((String) routed.value()), headers));
    }

    /**
     * The dead-letter record of a captured row that cannot be relayed: the row's columns as JSON (a text column over
     * {@value #DEAD_LETTER_TEXT_LIMIT} characters cut there, so that an oversized row fits too), the reason, and
     * where the row is in the WAL. Keyed like its event would have been, when the row has a key.
     */
    ProducerRecord<byte[], byte[]> deadLetter(SourceRecord captured, String reason) {
        ObjectNode row = JSON.createObjectNode();
        List<String> cut = new ArrayList<>();
        Struct envelope = (Struct) captured.value();
        Struct after = envelope.getStruct(Envelope.FieldName.AFTER);
        for (Field field : after.schema().fields()) {
            Object value = after.get(field);
            if (value instanceof String text && text.length() > DEAD_LETTER_TEXT_LIMIT) {
                cut.add(field.name() + "=" + text.length());
                value = text.substring(0, DEAD_LETTER_TEXT_LIMIT);
            }
            row.set(field.name(), JSON.valueToTree(value instanceof Number || value instanceof Boolean || value == null
                    ? value : String.valueOf(value)));
        }
        Struct source = envelope.getStruct(Envelope.FieldName.SOURCE);
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlq.reason", utf8(reason));
        headers.add("dlq.source.table", utf8(source.getString("schema") + "." + source.getString("table")));
        headers.add("dlq.source.lsn", utf8(String.valueOf(source.get("lsn"))));
        headers.add("dlq.source.txid", utf8(String.valueOf(source.get("txId"))));
        if (!cut.isEmpty()) {
            headers.add("dlq.truncated", utf8(String.join(",", cut)));
        }
        Object key = after.schema().field("aggregateid") == null ? null : after.get("aggregateid");
        return new ProducerRecord<>(deadLetterTopic, null, null, key == null ? null : utf8(String.valueOf(key)),
                utf8(row.toString()), headers);
    }

    /** Commit time of the source transaction, for any change event; empty for heartbeats. */
    static Optional<Long> commitTimeMillis(SourceRecord captured) {
        if (captured.value() instanceof Struct envelope && envelope.schema().field(Envelope.FieldName.SOURCE) != null) {
            return Optional.ofNullable(envelope.getStruct(Envelope.FieldName.SOURCE).getInt64("ts_ms"));
        }
        return Optional.empty();
    }

    private boolean isOutboxInsert(SourceRecord captured) {
        return outboxTopic.equals(captured.topic())
                && captured.value() instanceof Struct envelope
                && Envelope.Operation.CREATE.code().equals(envelope.getString(Envelope.FieldName.OPERATION));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        router.close();
    }
}

package dev.outbox.consumer;

import dev.outbox.contract.EventHeaders;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The spans of one batch: one per event that arrived with a W3C trace context ({@code traceparent}, which the relay
 * copies from the outbox row), each a child of that context, so the publish's own trace shows when every group
 * applied it. A span per event rather than one per batch with links: a link puts the group's work in a trace of its
 * own, which a trace view of the publish does not show. The events of a batch are applied in one transaction, so their
 * spans share the batch's times, from the poll to the offset commit. Records without a context get no span: a batch
 * of untraced events would otherwise start as many new traces.
 */
final class BatchSpans {

    static final String OUTCOME = "outbox.outcome";
    private static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

    private static final TextMapGetter<Headers> KAFKA_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final Map<ConsumerRecord<byte[], byte[]>, Span> spans;

    private BatchSpans(Map<ConsumerRecord<byte[], byte[]>, Span> spans) {
        this.spans = spans;
    }

    static BatchSpans start(OpenTelemetry tracing, ConsumerSettings settings, ConsumerRecords<byte[], byte[]> polled) {
        Tracer tracer = tracing.getTracer(BatchSpans.class.getPackageName());
        TextMapPropagator propagator = tracing.getPropagators().getTextMapPropagator();
        Map<ConsumerRecord<byte[], byte[]>, Span> spans = new IdentityHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            Context published = propagator.extract(Context.root(), record.headers(), KAFKA_HEADERS);
            if (!Span.fromContext(published).getSpanContext().isValid()) {
                continue;
            }
            spans.put(record, tracer.spanBuilder("process " + record.topic())
                    .setParent(published)
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.operation.type", "process")
                    .setAttribute("messaging.destination.name", record.topic())
                    .setAttribute("messaging.consumer.group.name", settings.groupId())
                    .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                    .setAttribute(OFFSET, record.offset())
                    .setAttribute(BATCH_SIZE, (long) polled.count())
                    .setAttribute("messaging.message.id", String.valueOf(KAFKA_HEADERS.get(record.headers(),
                            EventHeaders.ID)))
                    .startSpan());
        }
        return new BatchSpans(spans);
    }

    /**
     * Ends every span with what became of its event: applied (and its offset committed), dead-lettered (an error,
     * with the reason), or left to another member or a later run (revoked in a rebalance, or the member stopped).
     */
    <E> void end(Batch<E> batch, boolean committed) {
        if (spans.isEmpty()) {
            return;
        }
        Set<ConsumerRecord<byte[], byte[]>> applied = Collections.newSetFromMap(new IdentityHashMap<>());
        if (committed) {
            batch.events().forEach(event -> applied.add(event.record()));
        }
        Map<ConsumerRecord<byte[], byte[]>, String> deadLettered = new IdentityHashMap<>();
        List<DeadLetters.Poison> poisons = batch.deadLettered();
        poisons.forEach(poison -> deadLettered.put(poison.record(), poison.reason()));
        spans.forEach((record, span) -> {
            if (deadLettered.containsKey(record)) {
                span.setAttribute(OUTCOME, "dead-lettered");
                span.setStatus(StatusCode.ERROR, deadLettered.get(record));
            } else {
                span.setAttribute(OUTCOME, applied.contains(record) ? "applied" : "not applied by this member");
            }
            span.end();
        });
    }
}

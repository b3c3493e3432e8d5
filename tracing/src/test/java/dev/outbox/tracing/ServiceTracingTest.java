package dev.outbox.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceTracingTest {

    private static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    @Test
    void withoutAnEndpointNothingIsRecordedAndTheCallersContextIsPassedOnUnchanged() {
        OpenTelemetry tracing = ServiceTracing.forService("test-service", Optional.empty(), 1);

        Map<String, String> passedOn = childOfCaller(tracing, span -> assertThat(span.isRecording()).isFalse());

        assertThat(tracing).isNotInstanceOf(OpenTelemetrySdk.class);
        assertThat(passedOn).containsEntry("traceparent", CALLER);
    }

    @Test
    void recordedSpansContinueTheCallersTraceUnderTheServicesName() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        try (OpenTelemetrySdk tracing = ServiceTracing.recordingTo("test-service", SimpleSpanProcessor.create(exported), 1)) {
            Map<String, String> passedOn = childOfCaller(tracing, span -> assertThat(span.isRecording()).isTrue());

            SpanData span = exported.getFinishedSpanItems().get(0);
            assertThat(span.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(span.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                    .isEqualTo("test-service");
            assertThat(passedOn.get("traceparent")).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
        }
    }

    /** At ratio 0 no trace starts here, yet a caller's sampled trace is still followed: the publish's decision holds. */
    @Test
    void aSampleRatioDecidesForTracesStartedHereAndACallersDecisionIsFollowed() {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        try (OpenTelemetrySdk tracing = ServiceTracing.recordingTo("test-service", SimpleSpanProcessor.create(exported), 0)) {
            Span root = tracing.getTracer("test").spanBuilder("root").setNoParent().startSpan();
            assertThat(root.isRecording()).as("a trace started here").isFalse();
            root.end();

            childOfCaller(tracing, span -> assertThat(span.isRecording()).as("a sampled caller's child").isTrue());

            assertThat(exported.getFinishedSpanItems()).hasSize(1);
        }
    }

    @Test
    void aSampleRatioOutsideZeroToOneIsRefusedAtStart() {
        assertThatThrownBy(() -> ServiceTracing.forService("test-service", Optional.empty(), 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outbox.tracing.sample-ratio");
    }

    @Test
    void anEndpointBuildsAnExportingSdkThatShutsDownWithoutACollector() {
        OpenTelemetry tracing = ServiceTracing.forService("test-service", Optional.of("http://127.0.0.1:9/"), 1);

        assertThat(tracing).isInstanceOf(OpenTelemetrySdk.class);
        assertThat(((OpenTelemetrySdk) tracing).shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    }

    @Test
    void anEndpointThatIsNoHttpUrlIsRefusedAtStart() {
        assertThatThrownBy(() -> ServiceTracing.forService("test-service", Optional.of("jaeger:4318"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://jaeger:4318");
    }

    /** Starts a span under the caller's traceparent, checks it, ends it and returns what it would pass on. */
    private static Map<String, String> childOfCaller(OpenTelemetry tracing, Consumer<Span> check) {
        Context caller = tracing.getPropagators().getTextMapPropagator()
                .extract(Context.root(), Map.of("traceparent", CALLER), MAP);
        Span span = tracing.getTracer("test").spanBuilder("work").setParent(caller).startSpan();
        check.accept(span);
        Map<String, String> passedOn = new HashMap<>();
        tracing.getPropagators().getTextMapPropagator().inject(caller.with(span), passedOn, Map::put);
        span.end();
        return passedOn;
    }
}

package dev.outbox.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.net.URI;
import java.util.Optional;

/**
 * The OpenTelemetry of one service. With an OTLP endpoint, spans are batched and exported over OTLP/HTTP. Without
 * one no span is recorded and nothing is exported, but the W3C trace context a request or record came with is passed
 * on unchanged: a service further down that does export still joins the caller's trace.
 */
public final class ServiceTracing {

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final ContextPropagators W3C = ContextPropagators.create(W3CTraceContextPropagator.getInstance());

    private ServiceTracing() {
    }

    /**
     * @param otlpEndpoint the collector's base URL, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} means it (e.g.
     *                     {@code http://jaeger:4318}); spans go to its {@code /v1/traces}
     * @param sampleRatio  the share of new traces recorded, 0 to 1; see {@link #recordingTo}
     */
    public static OpenTelemetry forService(String serviceName, Optional<String> otlpEndpoint, double sampleRatio) {
        requireRatio(sampleRatio);
        if (otlpEndpoint.isEmpty()) {
            return OpenTelemetry.propagating(W3C);
        }
        // The exporter and the processor would report on themselves through the global MeterProvider, looking the
        // global instance up before the relay has registered its own: they have no meters here instead.
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(tracesUrl(otlpEndpoint.get()))
                .setMeterProvider(MeterProvider::noop)
                .build();
        return recordingTo(serviceName, BatchSpanProcessor.builder(exporter).setMeterProvider(MeterProvider::noop).build(),
                sampleRatio);
    }

    /**
     * The service's sampled spans handed to {@code processor} (for tests: a simple processor and an in-memory
     * exporter). A trace that starts here is recorded with probability {@code sampleRatio}, decided by its trace id; a
     * span whose parent came with a request or a record follows the parent's decision, so a publish sampled in
     * blog-app is sampled in every service, and one that is not costs none of them a span.
     */
    public static OpenTelemetrySdk recordingTo(String serviceName, SpanProcessor processor, double sampleRatio) {
        requireRatio(sampleRatio);
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)))
                        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
                        .addSpanProcessor(processor)
                        .build())
                .setPropagators(W3C)
                .build();
    }

    /** Checked whether or not spans are exported: a wrong setting fails the start, not the day export is turned on. */
    private static void requireRatio(double sampleRatio) {
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("outbox.tracing.sample-ratio must be between 0 and 1, not "
                    + sampleRatio);
        }
    }

    private static String tracesUrl(String endpoint) {
        URI base = URI.create(endpoint.strip());
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
                || base.getHost() == null) {
            throw new IllegalArgumentException("The OTLP endpoint must be an http:// or https:// URL such as "
                    + "http://jaeger:4318, not '" + endpoint + "'");
        }
        String url = base.toString();
        return (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/v1/traces";
    }
}

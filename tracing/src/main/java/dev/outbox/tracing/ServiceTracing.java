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
     */
    public static OpenTelemetry forService(String serviceName, Optional<String> otlpEndpoint) {
        if (otlpEndpoint.isEmpty()) {
            return OpenTelemetry.propagating(W3C);
        }
        // The exporter and the processor would report on themselves through the global MeterProvider, looking the
        // global instance up before the relay has registered its own: they have no meters here instead.
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(tracesUrl(otlpEndpoint.get()))
                .setMeterProvider(MeterProvider::noop)
                .build();
        return recordingTo(serviceName, BatchSpanProcessor.builder(exporter).setMeterProvider(MeterProvider::noop).build());
    }

    /** Every span of the service handed to {@code processor}: for tests, a simple processor and an in-memory exporter. */
    public static OpenTelemetrySdk recordingTo(String serviceName, SpanProcessor processor) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
                        .addSpanProcessor(processor)
                        .build())
                .setPropagators(W3C)
                .build();
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

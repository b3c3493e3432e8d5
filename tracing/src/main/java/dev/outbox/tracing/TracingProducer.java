package dev.outbox.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The service's {@link OpenTelemetry} bean, named after the application ({@code quarkus.application.name}, the
 * module's artifact id) and exporting to {@code outbox.tracing.otlp-endpoint} when that is set. Each service's
 * application.properties maps the setting to {@code OTEL_EXPORTER_OTLP_ENDPOINT}. {@code outbox.tracing.sample-ratio}
 * ({@code OUTBOX_TRACING_SAMPLE_RATIO}, default 1: every trace) is the share of the traces started here recorded.
 */
@Singleton
public class TracingProducer {

    @Produces
    @Singleton
    OpenTelemetry openTelemetry(@ConfigProperty(name = "quarkus.application.name") String service,
                                @ConfigProperty(name = "outbox.tracing.otlp-endpoint") Optional<String> otlpEndpoint,
                                @ConfigProperty(name = "outbox.tracing.sample-ratio", defaultValue = "1.0")
                                double sampleRatio) {
        return ServiceTracing.forService(service, otlpEndpoint, sampleRatio);
    }

    /** Exports what is still queued before the process ends; a collector that is gone costs at most 10 s. */
    void close(@Disposes OpenTelemetry openTelemetry) {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}

package dev.outbox.relay.engine;

import dev.outbox.consumer.NativeLz4;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Debezium engine on its own thread for the life of the application: the start and retry loop. What one
 * attempt needs comes from classes of their own (the heartbeat table, the publication, the broker probe, the engine's and the
 * producer's settings, the sink). Until the engine has streamed
 * once, a failed start (database or broker not reachable yet) is retried with backoff and shown in health.
 * Before any of it, the relay takes the active lock ({@code ActiveLock}); while another relay holds it, this one stands
 * by, and it exits at once if it loses the lock's session while active.
 * Once it has streamed, an engine that stops with an error ends the process with a non-zero status: a
 * half-alive relay would hold the slot and relay nothing. The orchestrator restarts it from the committed offsets.
 */
@ApplicationScoped
public class RelayEngine {

    private static final Logger LOG = Logger.getLogger(RelayEngine.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration KAFKA_ACK_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    RelayConfig relay;

    @Inject
    RelayProgress progress;

    @Inject
    HeartbeatTable heartbeatTable;

    @Inject
    OutboxPublication publication;

    @Inject
    BrokerProbe broker;

    @Inject
    ActiveLock lock;

    @Inject
    MeterRegistry metrics;

    @Inject
    OpenTelemetry tracing;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private volatile Thread engineThread;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        engineThread = new Thread(r, "debezium-engine");
        return engineThread;
    });
    private final CountDownLatch shuttingDown = new CountDownLatch(1);
    private volatile EngineStatus status = EngineStatus.starting("not started", 0);
    /**
     * Set when Kafka stopped acknowledging or the active lock was lost: the process exits without the engine's orderly
     * stop.
     */
    private volatile boolean abandoned;
    private final ScheduledExecutorService lockWatch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread watch = new Thread(r, "relay-lock-watch");
        watch.setDaemon(true);
        return watch;
    });
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    void start(@Observes StartupEvent startup) {
        // Debezium's Outbox Event Router traces through the global OpenTelemetry, which it reads once, when it is
        // first built (OutboxRouting): registered before any attempt builds one.
        GlobalOpenTelemetry.set(tracing);
        PostgresUrl database = PostgresUrl.parse(jdbcUrl);
        Properties engineProperties = EngineProperties.of(relay, database, user, password, bootstrapServers);
        Gauge.builder("relay.active", lock, l -> l.held() ? 1 : 0)
                .description("1 while this relay holds the active lock and streams the slot, 0 while it stands by")
                .register(metrics);
        thread.submit(() -> runUntilShutdown(engineProperties));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        shuttingDown.countDown();
        lockWatch.shutdownNow();
        if (abandoned) {
            // Closing the engine would wait on the unreachable Kafka too, or keep streaming a slot another relay may
            // own by now; nothing is left to commit. The lock's session ends with the process.
            return;
        }
        status = EngineStatus.stopped("shutting down");
        closeEngine();
        thread.shutdown();
        try {
            if (!thread.awaitTermination(relay.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("The engine did not stop within %s; exiting anyway, offsets of the last batch may be re-sent",
                        relay.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Released last, so a standby cannot try the slot while this engine still holds it.
        lock.close();
    }

    public EngineStatus status() {
        return status;
    }

    /** The engine thread's name and state, e.g. {@code debezium-engine RUNNABLE}: a stuck or dead thread shows. */
    public String threadState() {
        Thread current = engineThread;
        return current == null ? "not started" : current.getName() + " " + current.getState();
    }

    /** {@code active} while this relay holds the active lock, {@code standby} otherwise. */
    public String role() {
        return lock.held() ? "active" : "standby";
    }

    private void runUntilShutdown(Properties engineProperties) {
        if (!awaitActiveLock()) {
            return;
        }
        lockWatch.scheduleWithFixedDelay(this::checkLock, relay.lockCheckInterval().toMillis(),
                relay.lockCheckInterval().toMillis(), TimeUnit.MILLISECONDS);
        Duration backoff = FIRST_BACKOFF;
        String lastFailure = null;
        for (int attempt = 1; shuttingDown.getCount() > 0; attempt++) {
            status = EngineStatus.starting(lastFailure == null ? "connecting to Postgres and Kafka"
                    : "connecting again; last attempt failed: " + lastFailure, attempt);
            Outcome outcome = runOnce(engineProperties);
            if (shuttingDown.getCount() == 0) {
                return;
            }
            if (outcome.streamed()) {
                status = EngineStatus.stopped("engine failed: " + outcome.error());
                LOG.errorf("The Debezium engine stopped after streaming: %s. Exiting so that the relay is restarted "
                        + "from its committed offsets.", outcome.error());
                Quarkus.asyncExit(1);
                return;
            }
            lastFailure = outcome.error();
            status = EngineStatus.starting("start failed: " + outcome.error() + "; retrying in " + backoff, attempt);
            LOG.warnf("Could not start the relay (attempt %d): %s. Retrying in %s.", attempt, outcome.error(), backoff);
            if (awaitShutdown(backoff)) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(relay.maxStartBackoff()) > 0 ? relay.maxStartBackoff()
                    : backoff.multipliedBy(2);
        }
    }

    private Outcome runOnce(Properties engineProperties) {
        String[] error = {"the engine stopped"};
        boolean[] streamed = {false};
        KafkaProducer<byte[], byte[]> producer = null;
        KafkaClientMetrics producerMetrics = null;
        try (OutboxRouting routing = new OutboxRouting(relay)) {
            heartbeatTable.ensureExists();
            publication.ensureWithoutDeletes();
            broker.requireReachable();
            LOG.debugf("lz4 compression: %s", NativeLz4.load());
            producer = new KafkaProducer<>(ProducerSettings.of(relay, bootstrapServers));
            // The producer's own figures (kafka_producer_*: batch sizes, request latency, retries, buffer), beside
            // the relay's: what tuning relay.producer.* changes.
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(metrics);
            int maxBatchSize = Integer.parseInt(engineProperties.getProperty("max.batch.size"));
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(engineProperties)
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            streamed[0] = true;
                            status = EngineStatus.streaming();
                            LOG.infof("Relaying %s from slot %s to Kafka", relay.outboxTable(), relay.slotName());
                        }
                    })
                    .using((success, message, failure) -> {
                        if (!success) {
                            error[0] = failure == null ? message : message + ": " + rootMessage(failure);
                        }
                    })
                    .notifying(new KafkaSink(producer, routing, progress, maxBatchSize, KAFKA_ACK_TIMEOUT,
                            this::exitAfterKafkaFailed))
                    .build();
            engine.run();
        } catch (RuntimeException | SQLException e) {
            error[0] = rootMessage(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error[0] = "interrupted";
        } finally {
            closeEngine();
            engine = null;
            if (producerMetrics != null) {
                producerMetrics.close();
            }
            if (producer != null) {
                producer.close(PRODUCER_CLOSE_TIMEOUT);
            }
        }
        return new Outcome(streamed[0], error[0]);
    }

    /** Stands by until this relay holds the active lock; false when shutdown came first. */
    private boolean awaitActiveLock() {
        String lastFailure = null;
        boolean prepared = false;
        for (int attempt = 1; ; attempt++) {
            try {
                if (lock.tryAcquire()) {
                    LOG.infof("Holding the active lock \"%s\": this relay streams the slot", lock.lockName());
                    return true;
                }
                if (!prepared) {
                    // Once, while standing by: a standby that could not reach Kafka could not take over, so it is
                    // not ready; and the clients' classes are loaded and warm before a takeover needs them.
                    heartbeatTable.ensureExists();
                    publication.ensureWithoutDeletes();
                    broker.requireReachable();
                    prepared = true;
                    LOG.infof("Another relay holds the active lock \"%s\": standing by", lock.lockName());
                }
                status = EngineStatus.standby("another relay holds the active lock \"" + lock.lockName()
                        + "\"; taking over once it is released");
                lastFailure = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException e) {
                String failure = rootMessage(e);
                if (!failure.equals(lastFailure)) {
                    LOG.warnf("Standing by, but could not take over: %s. Trying again every %s.", failure,
                            relay.lockCheckInterval());
                }
                lastFailure = failure;
                status = EngineStatus.starting("standing by, but could not take over: " + failure, attempt);
            } catch (SQLException e) {
                String failure = rootMessage(e);
                if (!failure.equals(lastFailure)) {
                    LOG.warnf("Cannot take the active lock: %s. Trying again every %s.", failure,
                            relay.lockCheckInterval());
                }
                lastFailure = failure;
                status = EngineStatus.starting("cannot reach Postgres for the active lock: " + failure, attempt);
            }
            if (awaitShutdown(relay.lockCheckInterval())) {
                return false;
            }
        }
    }

    /**
     * The active's proof that its lock session lives. Once it does not, a standby may hold the lock soon: this relay
     * stops at once, without the engine's orderly stop, and its restart stands by.
     */
    private void checkLock() {
        try {
            lock.check();
        } catch (SQLException e) {
            abandoned = true;
            status = EngineStatus.stopped("lost the active lock: " + rootMessage(e));
            LOG.errorf("Lost the session of the active lock \"%s\" (%s): another relay may take over now. Exiting at "
                    + "once; restarted, this relay stands by.", lock.lockName(), rootMessage(e));
            lockWatch.shutdown();
            Quarkus.asyncExit(1);
        }
    }

    /**
     * Exits at once, as a crash would: nothing of the failed batch was committed, and the engine's orderly stop would
     * first wait (about a minute) for its offset store on the same unreachable Kafka, relaying nothing meanwhile.
     */
    private void exitAfterKafkaFailed(KafkaSink.KafkaNotAcknowledgedException failure) {
        abandoned = true;
        status = EngineStatus.stopped("Kafka did not acknowledge: " + rootMessage(failure));
        LOG.errorf("%s: %s. Exiting now so that the relay is restarted from its committed offsets.",
                failure.getMessage(), rootMessage(failure));
        Quarkus.asyncExit(1);
    }

    private boolean awaitShutdown(Duration timeout) {
        try {
            return shuttingDown.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void closeEngine() {
        DebeziumEngine<?> running = engine;
        if (running != null) {
            try {
                running.close();
            } catch (IOException e) {
                LOG.warn("Closing the Debezium engine failed", e);
            } catch (IllegalStateException alreadyStopped) {
                // The engine stopped by itself (it failed) before shutdown asked it to.
            }
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private record Outcome(boolean streamed, String error) {
    }
}

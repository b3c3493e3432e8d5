package dev.outbox.relay.engine;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The knobs the relay owns. Anything else passes through: {@code relay.debezium.*} to the Debezium
 * engine and connector, {@code relay.producer.*} to the Kafka producer.
 */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    /** The replication slot; it retains WAL until the relay confirms it, so it is named, not generated. */
    @WithDefault("outbox_relay")
    String slotName();

    @WithDefault("outbox_relay")
    String publicationName();

    @WithDefault("public.outbox")
    String outboxTable();

    /** Written by the heartbeat so the slot advances when the outbox is idle but the database is not. */
    @WithDefault("public.relay_heartbeat")
    String heartbeatTable();

    @WithDefault("10s")
    Duration heartbeatInterval();

    /** Debezium's offsets live in this compacted Kafka topic, beside the events they describe. */
    @WithDefault("outbox-relay.offsets")
    String offsetsTopic();

    @WithDefault("1")
    short offsetsTopicReplicationFactor();

    /** Topic of an event = aggregate type + this suffix: aggregate {@code blog} goes to {@code blog.events}. */
    @WithDefault(".events")
    String topicSuffix();

    /**
     * Outbox rows the relay cannot turn into an event (a missing column, no payload) or that Kafka refuses for good
     * (larger than {@code max.request.size}) go here, with the reason and their place in the WAL, instead of
     * stopping the relay: every row behind them still flows.
     */
    @WithDefault("outbox.relay.dlq")
    String deadLetterTopic();

    /**
     * The consumer groups' dead-letter topic, which {@code /dead-letters} lists and replays from: the relay is the one
     * writer of the events topics, so a replay is its to make.
     */
    @WithDefault("blog.events.dlq")
    String consumerDeadLetterTopic();

    /**
     * The bearer token {@code /dead-letters} requires (at least 16 characters); unset, those endpoints refuse
     * everyone. Only its SHA-256 is kept.
     */
    Optional<String> operatorToken();

    /** The CloudEvents {@code source} attribute of every event. */
    @WithDefault("/blog-app")
    String cloudEventsSource();

    /** Readiness reports DOWN while the relay is further behind the database than this. */
    @WithDefault("60s")
    Duration maxBehind();

    /**
     * A downstream consumer group whose oldest unconsumed event committed longer ago than this is stale: the alert
     * {@code GroupStale} compares {@code relay_group_staleness_seconds} with it
     * ({@code relay_group_staleness_threshold_seconds}).
     */
    @WithDefault("5m")
    Duration groupMaxStaleness();

    /** How long shutdown waits for the engine to stop before giving up on it. */
    @WithDefault("30s")
    Duration shutdownTimeout();

    /** The longest wait between two attempts to start when the database or broker is not reachable yet. */
    @WithDefault("30s")
    Duration maxStartBackoff();

    /** How often a standby tries to take the active lock, and the active proves it still holds it. */
    @WithDefault("1s")
    Duration lockCheckInterval();

    /**
     * Postgres ends the lock's session (and releases the lock) when it has been silent this long: a paused or cut-off
     * active loses the lock after this, and stops itself within half of it, before a standby can take it.
     */
    @WithDefault("10s")
    Duration lockLease();

    Map<String, String> debezium();

    Map<String, String> producer();
}

package dev.outbox.blog.publish;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.outbox.blog.outbox.OutboxEvent;

/**
 * The facts blog-app publishes on the {@code blog} aggregate. The Kafka key is the author id, so one
 * author's events stay in order on one partition. The wire contract is in event-contract's schemas.
 */
public sealed interface BlogEvent extends OutboxEvent permits BlogPublished, BlogUpdated, BlogDeleted {

    String AGGREGATE_TYPE = "blog";
    int SCHEMA_VERSION = 1;

    long blogId();

    long authorId();

    long version();

    @Override
    @JsonIgnore
    default String aggregateType() {
        return AGGREGATE_TYPE;
    }

    @Override
    @JsonProperty("aggregate_id")
    default String aggregateId() {
        return Long.toString(authorId());
    }

    @Override
    @JsonProperty("event_type")
    default String eventType() {
        return getClass().getSimpleName();
    }

    @Override
    @JsonProperty("schema_version")
    default int schemaVersion() {
        return SCHEMA_VERSION;
    }
}

package dev.outbox.search.consume;

import dev.outbox.search.SearchConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.KafkaFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flags a Lucene group with more than one member: a Lucene index is per process, so each member would index only the
 * partitions it owns and answer queries with part of the blogs. Such a member is not ready (a load balancer stops
 * sending it queries), says why, and logs it; {@code search_group_members} counts the group. On OpenSearch the members
 * share one index and any number is right.
 */
@Readiness
@ApplicationScoped
public class LuceneGroupGuard implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(LuceneGroupGuard.class);
    /** Readiness is probed every few seconds; the group is asked at most this often. */
    private static final Duration RECHECK = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    @Inject
    SearchConfig config;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private Admin admin;
    /** The question in flight, if any: a readiness probe never waits for Kafka's answer. */
    private KafkaFuture<ConsumerGroupDescription> asking;
    private long askedAt = Long.MIN_VALUE;
    private int members = -1;
    private String failure;

    @Override
    public synchronized HealthCheckResponse call() {
        askIfDue();
        boolean lucene = config.backend() == SearchConfig.Backend.LUCENE;
        var response = HealthCheckResponse.named("search-group")
                .withData("group", config.groupId())
                .withData("members", members);
        if (failure != null) {
            // Kafka unreachable: the consumer's own check says so; this one cannot tell.
            return response.withData("unknown", failure).up().build();
        }
        if (lucene && members > 1) {
            return response.withData("reason", "a Lucene index is per process: each of the " + members + " members"
                    + " of group " + config.groupId() + " indexes only its partitions. Give each replica its own"
                    + " SEARCH_GROUP_ID and SEARCH_INDEX_DIR, or use SEARCH_BACKEND=opensearch").down().build();
        }
        return response.up().build();
    }

    /**
     * Asks Kafka for the group's members, at most every {@link #RECHECK} and one question at a time; the answer lands
     * in {@link #answered} and the next probe reports it. Waiting here would hold a readiness probe up to the request
     * timeout (seen: an indexer failing at start exited before its first probe was answered).
     */
    private void askIfDue() {
        long now = System.nanoTime();
        if ((asking != null && !asking.isDone())
                || (askedAt != Long.MIN_VALUE && now - askedAt < RECHECK.toNanos())) {
            return;
        }
        askedAt = now;
        if (admin == null) {
            admin = Admin.create(adminProperties());
            Gauge.builder("search.group.members", this, guard -> guard.members)
                    .description("Members of this indexer's consumer group (a Lucene group needs exactly one)")
                    .register(metrics);
        }
        asking = admin.describeConsumerGroups(List.of(config.groupId())).describedGroups().get(config.groupId());
        asking.whenComplete(this::answered);
    }

    private synchronized void answered(ConsumerGroupDescription group, Throwable error) {
        if (error != null) {
            failure = error.getClass().getSimpleName();
            return;
        }
        int seen = group.members().size();
        if (config.backend() == SearchConfig.Backend.LUCENE && seen > 1 && members <= 1) {
            LOG.errorf("Group %s has %d members on the Lucene backend: each indexes only its partitions, so "
                    + "search answers with part of the blogs. One member per Lucene group.", config.groupId(), seen);
        }
        members = seen;
        failure = null;
    }

    /** The client settings that make a connection (security, SASL, TLS) pass through from the consumer's. */
    private Map<String, Object> adminProperties() {
        Map<String, Object> p = new HashMap<>();
        config.consumer().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                p.put(key, value);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, config.groupId() + "-group-guard");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis());
        return p;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}

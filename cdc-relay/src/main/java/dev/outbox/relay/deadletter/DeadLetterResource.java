package dev.outbox.relay.deadletter;

import dev.outbox.consumer.deadletter.DeadLetter;
import dev.outbox.consumer.deadletter.DeadLetterSelection;
import dev.outbox.consumer.deadletter.DeadLetterTopic;
import dev.outbox.relay.engine.RelayConfig;
import dev.outbox.service.operator.OperatorToken;
import dev.outbox.service.problem.Problem;
import dev.outbox.service.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.apache.kafka.common.KafkaException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /dead-letters} and {@code POST /dead-letters/replay}: the consumer groups' dead letters, and publishing
 * them again after a fix, for deployments; {@code ./run-local dlq} does the same on a laptop, both on
 * {@link DeadLetterTopic}. Both need the operator token: a replay changes what the groups apply, and a listing shows
 * payloads.
 */
@Path("/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "operator", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The relay's operator token (relay.operator-token, RELAY_OPERATOR_TOKEN)")
public class DeadLetterResource {

    private static final String GROUP = "The consumer group whose dead letters these are, e.g. analytics";
    private static final String EVENT_ID = "Only these event ids (UUIDs; repeat the parameter or separate by commas)";
    private static final String INVALID_REQUEST = "/problems/invalid-request";
    private static final String UNKNOWN_GROUP = "/problems/unknown-group";
    private static final String NO_DEAD_LETTER_MATCHED = "/problems/no-dead-letter-matched";
    private static final String ALREADY_REPLAYED = "/problems/already-replayed";
    private static final String KAFKA_UNAVAILABLE = "/problems/kafka-unavailable";
    private static final String SINCE = "Only those dead-lettered at or after this: an instant (2026-12-02T05:00:00Z) "
            + "or an age (90s, 30m, 2h, 1d)";

    @Inject
    RelayConfig relay;

    @Inject
    OperatorToken operator;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private DeadLetterTopic topic;

    /** A dead letter as the operator sees it; {@code replay} is set once it was published again. */
    public record DeadLetterView(String deadLetter, String group, Instant deadLetteredAt, String eventType,
                                 String eventId, String source, String reason, String replayOf, ReplayView replay,
                                 String key, String payload) {

        static DeadLetterView of(DeadLetter d) {
            return new DeadLetterView(d.position().toString(), d.group(), d.deadLetteredAt(), d.eventType(),
                    d.eventId(), d.source().toString(), d.reason(), d.replayOf().map(Object::toString).orElse(null),
                    d.replay().map(r -> new ReplayView(r.at(), r.to().toString())).orElse(null),
                    d.key() == null ? null : new String(d.key(), StandardCharsets.UTF_8), d.payload());
        }
    }

    /** When a dead letter was published again, and where it landed. */
    public record ReplayView(Instant at, String to) {
    }

    public record Listing(String topic, int count, long notReplayed, List<DeadLetterView> deadLetters) {
    }

    /** What a replay published, and what it left alone because it was replayed before. */
    public record ReplayOutcome(List<DeadLetterView> replayed, List<DeadLetterView> alreadyReplayed) {
    }

    @PostConstruct
    void open() {
        topic = new DeadLetterTopic(bootstrapServers, relay.consumerDeadLetterTopic(), relay.producer());
    }

    @GET
    @Operation(summary = "The consumer groups' dead letters, oldest first, with why, when and whether replayed")
    @SecurityRequirement(name = "operator")
    @APIResponse(responseCode = "200", description = "The dead letters selected",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Listing.class)))
    @APIResponse(responseCode = "400", description = "A since or event id it cannot read", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No or a wrong operator token", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "No operator token is configured", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "/problems/unknown-group: no such consumer group",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not answer", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Listing list(@Parameter(description = GROUP) @QueryParam("group") String group,
                        @Parameter(description = EVENT_ID) @QueryParam("event_id") List<String> eventIds,
                        @Parameter(description = SINCE) @QueryParam("since") String since,
                        @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        operator.require(authorization);
        DeadLetterSelection selection = selection(group, eventIds, since);
        List<DeadLetter> listed = answer(() -> topic.list(selection));
        return new Listing(topic.topic(), listed.size(), listed.stream().filter(d -> d.replay().isEmpty()).count(),
                listed.stream().map(DeadLetterView::of).toList());
    }

    @POST
    @Path("/replay")
    @Operation(summary = "Publishes one group's selected dead letters again, to the partition they came from",
            description = "With their key, value and event headers (so a group that applied one already skips it) "
                    + "and dlq.replayed-from; each is then marked replayed on the dead-letter topic, and a later "
                    + "replay leaves it alone.")
    @SecurityRequirement(name = "operator")
    @APIResponse(responseCode = "200", description = "Published; those replayed before were left alone",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ReplayOutcome.class)))
    @APIResponse(responseCode = "400", description = "No group, or a since or event id it cannot read",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "No or a wrong operator token", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "No operator token is configured", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "/problems/unknown-group, or /problems/no-dead-letter-matched",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "/problems/already-replayed: every match was replayed before; "
            + "nothing was published", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not answer", content = @Content(
            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ReplayOutcome replay(@Parameter(description = GROUP, required = true) @QueryParam("group") String group,
                                @Parameter(description = EVENT_ID) @QueryParam("event_id") List<String> eventIds,
                                @Parameter(description = SINCE) @QueryParam("since") String since,
                                @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        operator.require(authorization);
        if (group == null || group.isBlank()) {
            throw invalid("A replay is for one consumer group: give ?group=");
        }
        DeadLetterSelection selection = selection(group, eventIds, since);
        DeadLetterTopic.Replayed outcome = answer(() -> topic.replay(selection));
        return new ReplayOutcome(outcome.replayed().stream().map(DeadLetterView::of).toList(),
                outcome.alreadyReplayed().stream().map(DeadLetterView::of).toList());
    }

    private static DeadLetterSelection selection(String group, List<String> eventIds, String since) {
        try {
            return DeadLetterSelection.parse(group, eventIds, since, Instant.now());
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private interface Call<T> {
        T run() throws DeadLetterTopic.Refused, InterruptedException;
    }

    /** A refusal is the operator's to read (4xx); Kafka not answering is the deployment's (503). */
    private <T> T answer(Call<T> call) {
        try {
            return call.run();
        } catch (DeadLetterTopic.Refused e) {
            throw switch (e.reason()) {
                case UNKNOWN_GROUP -> problem(UNKNOWN_GROUP, "No such consumer group", 404, e.getMessage());
                case NOTHING_MATCHED -> problem(NO_DEAD_LETTER_MATCHED, "No dead letter matched", 404,
                        e.getMessage());
                case ALREADY_REPLAYED -> problem(ALREADY_REPLAYED, "Replayed before", 409, e.getMessage());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        } catch (KafkaException | IllegalStateException e) {
            throw unavailable(e.getMessage());
        }
    }

    private static ProblemException invalid(String detail) {
        return problem(INVALID_REQUEST, "Invalid request", 400, detail);
    }

    private ProblemException unavailable(String detail) {
        return problem(KAFKA_UNAVAILABLE, "Kafka did not answer", 503, "Reading or writing " + topic.topic()
                + " failed: " + detail);
    }

    private static ProblemException problem(String type, String title, int status, String detail) {
        return new ProblemException(Problem.of(type, title, status, detail));
    }
}

package dev.outbox.blog.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.outbox.blog.support.Api;
import dev.outbox.blog.support.Api.Author;
import dev.outbox.blog.support.WalTap;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

import static dev.outbox.blog.support.Api.draft;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer side of the event contract: every payload blog-app actually commits to the WAL
 * validates against the checked-in JSON Schema of its type (event-contract module).
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class EventContractIT {

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig STRICT_FORMATS =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyEventInTheWalMatchesTheSchemaOfItsType() {
        Author author = Api.newAuthor();
        try (WalTap wal = WalTap.open(dataSource)) {
            long blogId = Api.publish(author, "Contract", "Body with \"quotes\" and 'apostrophes'", "json", "schema");
            author.as().body(draft("Contract v2", "New body")).put("/blogs/{id}", blogId).then().statusCode(200);
            author.as().delete("/blogs/{id}", blogId).then().statusCode(204);

            List<WalTap.Change> events = wal.outboxInserts();

            assertThat(events).extracting(e -> e.columns().get("type"))
                    .containsExactly("BlogPublished", "BlogUpdated", "BlogDeleted");
            for (WalTap.Change event : events) {
                JsonNode payload = event.payload();
                Set<ValidationMessage> violations = schemaOf(event.columns().get("type")).validate(payload);
                assertThat(violations).as(payload.toString()).isEmpty();
                assertThat(payload.get("event_type").asText()).isEqualTo(event.columns().get("type"));
            }
            assertThat(events.get(0).payload().get("body").asText()).isEqualTo("Body with \"quotes\" and 'apostrophes'");
        }
    }

    @Test
    void theSchemasRejectAPayloadMissingARequiredField() {
        JsonNode incomplete = new ObjectMapper().createObjectNode()
                .put("event_type", "BlogDeleted").put("blog_id", 1);

        assertThat(schemaOf("BlogDeleted").validate(incomplete)).isNotEmpty();
    }

    private static JsonSchema schemaOf(String eventType) {
        String path = "contract/schemas/" + eventType + ".schema.json";
        try (InputStream schema = EventContractIT.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(schema).as(path).isNotNull();
            return SCHEMAS.getSchema(schema, STRICT_FORMATS);
        } catch (IOException e) {
            throw new IllegalStateException(path, e);
        }
    }
}

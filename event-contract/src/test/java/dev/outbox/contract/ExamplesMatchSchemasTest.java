package dev.outbox.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples consumers test against are valid events: each matches the schema of its type. */
class ExamplesMatchSchemasTest {

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    @ParameterizedTest
    @ValueSource(strings = {"BlogPublished", "BlogUpdated", "BlogDeleted"})
    void exampleMatchesItsSchema(String eventType) throws IOException {
        JsonNode example = new ObjectMapper().readTree(resource("contract/examples/" + eventType + ".json"));

        try (InputStream schema = resource("contract/schemas/" + eventType + ".schema.json")) {
            assertThat(SCHEMAS.getSchema(schema, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build())
                    .validate(example)).isEmpty();
        }
        assertThat(example.get("event_type").asText()).isEqualTo(eventType);
    }

    private static InputStream resource(String path) {
        InputStream stream = ExamplesMatchSchemasTest.class.getClassLoader().getResourceAsStream(path);
        assertThat(stream).as(path).isNotNull();
        return stream;
    }
}

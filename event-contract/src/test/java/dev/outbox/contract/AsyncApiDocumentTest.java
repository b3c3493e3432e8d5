package dev.outbox.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The AsyncAPI document is what data engineers' tools read: it must parse, and name every header the relay sets. */
class AsyncApiDocumentTest {

    @Test
    void parsesAndDescribesEveryHeaderTheRelaySets() throws IOException {
        JsonNode headers = document().at("/components/schemas/EventHeaders/properties");
        assertThat(headers.fieldNames()).toIterable().contains("id", "eventType", "aggregateType", "occurredAt",
                "schemaVersion", "committedAt", "traceparent", "ce_specversion", "ce_id", "ce_type", "ce_source",
                "ce_time", "content-type");
        assertThat(headers.at("/schemaVersion/description").asText()).contains("schema version");
    }

    @Test
    void describesTheHeadersTheCodeNames() throws IOException {
        JsonNode headers = document().at("/components/schemas/EventHeaders/properties");
        assertThat(headers.fieldNames()).toIterable()
                .contains(EventHeaders.ID, EventHeaders.EVENT_TYPE, EventHeaders.COMMITTED_AT);
    }

    private JsonNode document() throws IOException {
        try (InputStream yaml = getClass().getResourceAsStream("/contract/asyncapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(yaml);
        }
    }
}

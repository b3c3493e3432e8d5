package dev.outbox.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class InfrastructureTest {

    @Test
    void defaultsToEmbeddedServers() {
        assertEquals(Infrastructure.EMBEDDED, Infrastructure.select(null, Map.of()));
    }

    @Test
    void readsTheEnvironmentVariableWhenThePropertyIsUnset() {
        assertEquals(Infrastructure.TESTCONTAINERS,
                Infrastructure.select(null, Map.of(Infrastructure.ENVIRONMENT_VARIABLE, "testcontainers")));
    }

    @Test
    void systemPropertyWinsOverTheEnvironment() {
        assertEquals(Infrastructure.EMBEDDED,
                Infrastructure.select(" Embedded ", Map.of(Infrastructure.ENVIRONMENT_VARIABLE, "testcontainers")));
    }

    @Test
    void rejectsAnUnknownChoiceByNamingTheValidOnes() {
        var error = assertThrows(IllegalArgumentException.class, () -> Infrastructure.select("docker", Map.of()));
        assertEquals(Infrastructure.PROPERTY + " / " + Infrastructure.ENVIRONMENT_VARIABLE
                + " must be embedded or testcontainers, not 'docker'", error.getMessage());
    }
}

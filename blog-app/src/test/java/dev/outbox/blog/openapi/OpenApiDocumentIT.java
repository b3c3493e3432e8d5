package dev.outbox.blog.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outbox.blog.problem.ProblemType;
import dev.outbox.service.problem.Problem;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * blog-app's OpenAPI document as a client generator or Swagger UI reads it: the bearer scheme on every write, every
 * error response an RFC 9457 problem, and an example for every problem type the API reports.
 */
@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OpenApiDocumentIT {

    private static final Set<String> WRITES = Set.of("post", "put", "delete");

    JsonNode document;

    // Not @BeforeAll: a static one runs before Quarkus listens.
    @BeforeEach
    void readDocument() throws Exception {
        document = new ObjectMapper().readTree(
                RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    @Test
    void declaresTheBearerSchemeAndRequiresItOnEveryWriteWithAToken() {
        JsonNode scheme = document.at("/components/securitySchemes/bearer");
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");

        List<String> secured = new ArrayList<>();
        List<String> unsecured = new ArrayList<>();
        operations().forEach((name, operation) -> {
            boolean bearer = operation.path("security").findValues("bearer").size() == 1;
            (bearer ? secured : unsecured).add(name);
        });
        assertThat(secured).containsExactlyInAnyOrder(
                "post /blogs", "post /blogs/import", "put /blogs/{id}", "delete /blogs/{id}");
        assertThat(unsecured).allSatisfy(name -> assertThat(name).doesNotStartWith("put").doesNotStartWith("delete"));
    }

    @Test
    void everyErrorResponseIsAProblemWithAnExample() {
        operations().forEach((name, operation) -> {
            assertThat(operation.path("responses").properties().stream()
                    .filter(response -> response.getKey().startsWith("2")))
                    .as("%s keeps its success response", name).isNotEmpty();
            operation.path("responses").properties().stream()
                    .filter(response -> response.getKey().matches("[45]\\d\\d"))
                    .forEach(response -> {
                        JsonNode content = resolve(response.getValue()).path("content").path(Problem.MEDIA_TYPE);
                        assertThat(content.at("/schema/$ref").asText())
                                .as("%s %s", name, response.getKey()).isEqualTo("#/components/schemas/Problem");
                        assertThat(content.path("examples").properties()).as("%s %s", name, response.getKey())
                                .isNotEmpty().allSatisfy(example -> assertThat(
                                        example.getValue().at("/value/status").asText()).isEqualTo(response.getKey()));
                    });
        });
        assertThat(operations().get("post /blogs").path("responses").properties().stream().map(Map.Entry::getKey))
                .contains("201", "400", "401", "422", "429", "503");
    }

    @Test
    void everyProblemTypeTheApiReportsHasAnExampleOnSomeOperation() {
        Set<String> documented = new HashSet<>();
        operations().values().forEach(operation -> operation.path("responses").forEach(response ->
                resolve(response).path("content").path(Problem.MEDIA_TYPE).path("examples")
                        .forEach(example -> documented.add(example.at("/value/type").asText()))));
        // INTERNAL is a bug in blog-app, not a contract a client codes against.
        Set<String> reported = Arrays.stream(ProblemType.values()).filter(type -> type != ProblemType.INTERNAL)
                .map(ProblemType::uri).collect(Collectors.toSet());
        assertThat(documented).containsAll(reported);
    }

    /** Every operation by "method path", e.g. "post /blogs". */
    private Map<String, JsonNode> operations() {
        Map<String, JsonNode> operations = new TreeMap<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (WRITES.contains(method.getKey()) || method.getKey().equals("get")) {
                operations.put(method.getKey() + " " + path.getKey(), method.getValue());
            }
        }));
        assertThat(operations).isNotEmpty();
        return operations;
    }

    private JsonNode resolve(JsonNode response) {
        String ref = response.path("$ref").asText("");
        return ref.isEmpty() ? response : document.at(ref.substring(1));
    }
}

package dev.outbox.search.query;

import dev.outbox.search.support.SearchWorld;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

/** search-indexer publishes its OpenAPI document and Swagger UI, as blog-app does; same application as SearchIT. */
@QuarkusTest
@WithTestResource(SearchWorld.class)
class OpenApiIT {

    @Test
    void describesSearchAndTheIndexAndServesSwaggerUi() {
        RestAssured.get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", containsString("search"))
                .body("paths.'/search'.get", notNullValue())
                .body("paths.'/index'.get", notNullValue())
                .body("paths.'/index/rebuild'.post", notNullValue());
        RestAssured.get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }
}

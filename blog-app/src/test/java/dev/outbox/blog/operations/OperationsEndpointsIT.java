package dev.outbox.blog.operations;

import dev.outbox.blog.support.Api;
import dev.outbox.testsupport.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@WithTestResource(PostgresTestResource.class)
class OperationsEndpointsIT {

    @Test
    void readinessIncludesTheDatabase() {
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void livenessIsUp() {
        RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsCountPublishRequests() {
        Api.publish(Api.newAuthor(), "Measured", "Body");

        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count{"))
                .body(containsString("uri=\"/blogs\""));
    }

    @Test
    void openApiDescribesThePublishEndpoint() {
        RestAssured.get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/blogs'.post", notNullValue());
    }
}

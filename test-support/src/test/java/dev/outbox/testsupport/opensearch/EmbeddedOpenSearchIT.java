package dev.outbox.testsupport.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.outbox.embedded.opensearch.OpenSearchServer;
import dev.outbox.testsupport.SharedInfrastructure;

class EmbeddedOpenSearchIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void sharedNodeIsOpenSearch2191WithTheEnglishAnalyzerAndNoIndexAutoCreation() throws Exception {
        OpenSearchServer node = SharedInfrastructure.openSearch();
        assertSame(node, SharedInfrastructure.openSearch());

        String root = send("GET", node.url() + "/", null).body();
        assertTrue(root.contains("\"number\" : \"2.19.1\""), root);
        String tokens = send("POST", node.url() + "/_analyze", "{\"analyzer\":\"english\",\"text\":\"Running outboxes\"}").body();
        assertTrue(tokens.contains("\"token\":\"run\"") && tokens.contains("\"token\":\"outbox\""), tokens);
        // A write to a misspelt index must fail rather than create one with a guessed mapping.
        assertEquals(404, send("PUT", node.url() + "/misspelt/_doc/1", "{\"title\":\"x\"}").statusCode());
    }

    private HttpResponse<String> send(String method, String url, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

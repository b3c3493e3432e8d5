package dev.outbox.local;

import dev.outbox.embedded.postgres.EmbeddedPostgresServer;

import java.io.PrintStream;
import java.util.Locale;

/** What {@code ./run-local} prints once everything is ready: where each part is, and how to use it. */
final class Banner {

    private final LocalSettings settings;
    private final Infrastructure infrastructure;
    private final String operatorToken;
    private final PrintStream out;

    Banner(LocalSettings settings, Infrastructure infrastructure, String operatorToken, PrintStream out) {
        this.settings = settings;
        this.infrastructure = infrastructure;
        this.operatorToken = operatorToken;
        this.out = out;
    }

    void print() {
        if (settings.infraOnly()) {
            printInfrastructure();
            return;
        }
        EmbeddedPostgresServer postgres = infrastructure.postgres();
        String blog = "http://127.0.0.1:" + settings.blogPort();
        out.printf(Locale.ROOT, """

                %s (Ctrl-C stops everything; data stays in %s, ./run-local --reset starts empty)

                  blog API     %s                Swagger UI %s/q/swagger-ui
                  search       http://127.0.0.1:%d/search?q=outbox%s
                  rebuild      curl -si -XPOST http://127.0.0.1:%d/index/rebuild -H 'authorization: Bearer %s'
                  relay        http://127.0.0.1:%d/  (status page; raw figures at /lag and /lag/groups)%s
                  dead letters ./run-local dlq list, or curl -s http://127.0.0.1:%d/dead-letters -H 'authorization: Bearer %s'
                  metrics      /q/metrics and /q/health on ports %d (blog-app), %d (cdc-relay), %d (analytics), %d (search)
                  Postgres     %s  user %s, password %s
                  Kafka        %s  topics %s, %s
                  logs         %s

                Publish a first blog:

                  TOKEN=$(curl -s -XPOST %s/users -H 'content-type: application/json' \\
                    -d '{"handle":"ada","display_name":"Ada"}' | sed -E 's/.*"api_token":"([^"]+)".*/\\1/')
                  curl -si -XPOST %s/blogs -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
                    -d '{"title":"Delegate and respond","body":"What need not be real time is not.","tags":["kafka"]}'
                  curl -s %s/users/1            # total_blogs catches up in milliseconds
                  curl -s 'http://127.0.0.1:%d/search?q=respond'

                """, LocalPipeline.READY_LINE, settings.data(), blog, blog, settings.searchPort(), searchBackendLine(),
                settings.searchPort(),
                operatorToken, settings.relayPort(), settings.relays() == 2
                        ? "\n               http://127.0.0.1:" + settings.secondRelayPort() + "/  (the second relay: one of the two"
                        + " streams, the other stands by)" : "",
                settings.relayPort(), operatorToken,
                settings.blogPort(), settings.relayPort(), settings.analyticsPort(), settings.searchPort(),
                postgres.jdbcUrl(Infrastructure.DATABASE), postgres.username(), postgres.password(),
                infrastructure.kafka().bootstrapServers(), Topics.EVENTS, Topics.DEAD_LETTERS, settings.logs(), blog, blog,
                blog, settings.searchPort());
        out.flush();
    }

    /** {@code --infra-only}: where Postgres and Kafka are, and how to run a service against them in dev mode. */
    private void printInfrastructure() {
        EmbeddedPostgresServer postgres = infrastructure.postgres();
        out.printf(Locale.ROOT, """

                %s (Ctrl-C stops it; data stays in %s)

                  Postgres     %s  user %s, password %s
                  Kafka        %s  topics %s, %s%s

                Run a service against it with live reload, each in a terminal of its own (their %%dev settings
                point here; blog-app first: its migration creates the outbox table the relay reads):

                  ./mvnw quarkus:dev -pl blog-app -am              http://127.0.0.1:8080/q/swagger-ui
                  ./mvnw quarkus:dev -pl cdc-relay -am             http://127.0.0.1:8081/
                  ./mvnw quarkus:dev -pl analytics-consumer -am
                  ./mvnw quarkus:dev -pl search-indexer -am        http://127.0.0.1:8083/search?q=outbox

                """, LocalPipeline.INFRA_READY_LINE, settings.data(), postgres.jdbcUrl(Infrastructure.DATABASE),
                postgres.username(), postgres.password(), infrastructure.kafka().bootstrapServers(), Topics.EVENTS,
                Topics.DEAD_LETTERS, infrastructure.openSearchNode().map(node -> String.format(Locale.ROOT,
                        "%n  OpenSearch   %s  (search-indexer: SEARCH_BACKEND=opensearch SEARCH_OPENSEARCH_URL=%s)",
                        node.url(), node.url())).orElse(""));
        out.flush();
    }

    /** With OpenSearch, where the second member and the node are; nothing for the Lucene default. */
    private String searchBackendLine() {
        return infrastructure.openSearchNode().map(node -> String.format(Locale.ROOT, "%n               "
                + "http://127.0.0.1:%d/search?q=outbox  (two members of group search-opensearch, one OpenSearch index)"
                + "%n  OpenSearch   %s  alias blogs (curl %s/_cat/indices)", settings.searchPort() + 1, node.url(),
                node.url())).orElse("");
    }
}

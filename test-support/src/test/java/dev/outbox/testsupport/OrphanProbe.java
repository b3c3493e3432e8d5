package dev.outbox.testsupport;

import java.io.IOException;
import java.util.stream.Collectors;

import dev.outbox.embedded.kafka.EmbeddedKafkaBroker;
import dev.outbox.embedded.opensearch.EmbeddedOpenSearch;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer;


/**
 * Run by {@link NoOrphanProcessesIT} in a JVM of its own: starts the three servers, prints OpenSearch's URL and the
 * pids of every process it started, and waits to be killed.
 */
public final class OrphanProbe {

    static final String READY = "started:";
    static final String OPENSEARCH = "opensearch:";

    private OrphanProbe() {
    }

    public static void main(String[] args) throws IOException {
        new EmbeddedPostgresServer().start();
        new EmbeddedKafkaBroker().start();
        System.out.println(OPENSEARCH + new EmbeddedOpenSearch().start().url());
        System.out.println(READY + ProcessHandle.current().descendants()
                .map(process -> Long.toString(process.pid()))
                .collect(Collectors.joining(" ")));
        System.out.flush();
        // Lives until killed, or until the test JVM goes away and closes this pipe.
        while (System.in.read() >= 0) {
            continue;
        }
    }
}

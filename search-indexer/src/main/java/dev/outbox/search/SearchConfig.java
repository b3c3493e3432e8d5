package dev.outbox.search;

import dev.outbox.consumer.MemberConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The knobs this indexer owns, besides a group member's ({@link MemberConfig}); all under {@code search.*}. */
@ConfigMapping(prefix = "search")
public interface SearchConfig extends MemberConfig {

    /** Where the index lives: {@code lucene} on local disk (one member per group) or {@code opensearch} (shared). */
    @WithDefault("lucene")
    Backend backend();

    /** With the Lucene backend, holds the index generations; only this process may use it. */
    @WithDefault("data/search-index")
    Path indexDir();

    OpenSearch opensearch();

    Operator operator();

    enum Backend { LUCENE, OPENSEARCH }

    /** The cluster of the OpenSearch backend. */
    interface OpenSearch {

        /** Its REST API, like {@code https://search.internal:9200}; required with {@code search.backend=opensearch}. */
        Optional<String> url();

        Optional<String> username();

        Optional<String> password();

        /** Names the live generation ({@code <alias>-000001}, ...), which a rebuild moves. */
        @WithDefault("blogs")
        String alias();

        /**
         * The longest wait for the cluster's answer to one request, a bulk included. A node that hangs (paused, or
         * behind a broken network) then fails the batch after this long, and the batch is retried, instead of holding
         * the member for the client's default 30 s. Raise it if legitimate bulks take longer on your cluster.
         */
        @WithDefault("10s")
        Duration requestTimeout();
    }

    interface Operator {

        /** Sent as {@code Authorization: Bearer <token>} to the endpoints that change state; unset, they refuse. */
        Optional<String> token();
    }
}

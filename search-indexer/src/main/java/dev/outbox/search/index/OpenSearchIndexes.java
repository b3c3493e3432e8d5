package dev.outbox.search.index;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.HealthStatus;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.mapping.DynamicMapping;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Options;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenSearch indexes as numbered generations ({@code blogs-000001}, ...) behind an alias ({@code blogs}) that names
 * the live one. A rebuild fills a new generation and moves the alias in one {@code _aliases} request, atomic in
 * OpenSearch: every query and write through the alias sees the old index or the new one, never neither.
 */
public final class OpenSearchIndexes implements SearchIndexes, Closeable {

    private static final Logger LOG = Logger.getLogger(OpenSearchIndexes.class);
    private static final String ALREADY_EXISTS = "resource_already_exists_exception";
    private static final Duration PRIMARY_DEADLINE = Duration.ofSeconds(60);
    /**
     * Each request of a readiness check: a cluster that hangs must make the member unready within seconds, not after
     * the client's 30 s response timeout (an orchestrator's probe gives up long before, and sees no reason).
     */
    static final Timeout HEALTH_REQUEST_TIMEOUT = Timeout.ofSeconds(2);

    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    private final OpenSearchClient healthClient;
    /** For the one request the cluster answers only when a primary started: it may take all of its deadline. */
    private final OpenSearchClient primaryClient;
    private final String url;
    private final String alias;
    private final BulkMetrics metrics;
    private final RebuildClaims claims;

    private OpenSearchIndexes(OpenSearchTransport transport, String url, String alias, MeterRegistry registry) {
        this.transport = transport;
        this.metrics = new BulkMetrics(registry);
        this.client = new OpenSearchClient(transport);
        this.healthClient = withTimeout(client, HEALTH_REQUEST_TIMEOUT);
        this.primaryClient = withTimeout(client, Timeout.of(PRIMARY_DEADLINE.plusSeconds(10)));
        this.claims = new RebuildClaims(client, alias, Clock.systemUTC());
        this.url = url;
        this.alias = alias;
    }

    /**
     * A client for the cluster at {@code url} (credentials, when given, sent with every request) whose requests each
     * fail after {@code requestTimeout} without an answer; bulk requests are timed in {@code metrics}.
     */
    public static OpenSearchIndexes connect(String url, Optional<String> username, Optional<String> password,
                                            String alias, Duration requestTimeout, MeterRegistry metrics) {
        HttpHost host;
        try {
            host = HttpHost.create(new URI(url));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("search.opensearch.url is not a URL: " + url, e);
        }
        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
        username.ifPresent(user -> credentials.setCredentials(new AuthScope(host),
                new UsernamePasswordCredentials(user, password.orElse("").toCharArray())));
        OpenSearchTransport transport = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setHttpClientConfigCallback(http -> http.setDefaultCredentialsProvider(credentials))
                .setRequestConfigCallback(request -> request.setResponseTimeout(Timeout.of(requestTimeout)))
                .build();
        return new OpenSearchIndexes(transport, url.replaceAll("/+$", ""), alias, metrics);
    }

    /** The generation the alias names; created with the alias when there is none, by whichever member comes first. */
    @Override
    public SearchIndex openLive() throws IOException {
        Optional<String> live = aliasTarget();
        if (live.isEmpty()) {
            String first = generationName(1);
            create(first, true);
            // Idempotent: two members starting at once both add the alias to the same first generation.
            client.indices().updateAliases(update -> update.actions(action -> action.add(add -> add.index(first)
                    .alias(alias))));
            live = aliasTarget();
        }
        String generation = live.orElseThrow(() -> new IOException("Alias " + alias + " names no index"));
        awaitPrimary(generation);
        return new OpenSearchSearchIndex(client, url, generation, alias, this::liveGenerationOrUnknown, metrics);
    }

    /**
     * Also deletes the generations a rebuild left when its member died before swapping or discarding (they would hold
     * their documents' disk forever): called under the rebuild claim, so no other rebuild is filling one now, and
     * whatever the alias does not name is such a leftover.
     */
    @Override
    public SearchIndex createFresh() throws IOException {
        List<String> generations = generations();
        String fresh = generationName(generations.stream()
                .mapToInt(name -> Integer.parseInt(name.substring(alias.length() + 1))).max().orElse(0) + 1);
        Set<String> live = aliasTargets();
        for (String leftover : generations.stream().filter(name -> !live.contains(name)).toList()) {
            LOG.infof("Deleting %s, left over from a rebuild that did not finish", leftover);
            deleteIfExists(leftover);
        }
        create(fresh, false);
        awaitPrimary(fresh);
        return new OpenSearchSearchIndex(client, url, fresh, fresh, this::liveGenerationOrUnknown, metrics);
    }

    /** Removes the alias from the generations it names and adds it to {@code fresh}, in one atomic request. */
    @Override
    public void makeLive(SearchIndex fresh) throws IOException {
        OpenSearchSearchIndex index = openSearch(fresh);
        Set<String> old = aliasTargets();
        client.indices().updateAliases(update -> {
            old.forEach(name -> update.actions(action -> action.remove(remove -> remove.index(name).alias(alias))));
            return update.actions(action -> action.add(add -> add.index(index.generation()).alias(alias)));
        });
        index.followAlias(alias);
    }

    /** Deletes the generation, unless the alias names it (another member's rebuild may have made it live again). */
    @Override
    public void discard(SearchIndex index) throws IOException {
        String generation = openSearch(index).generation();
        index.close();
        if (aliasTargets().contains(generation)) {
            LOG.warnf("Not deleting %s: alias %s names it", generation, alias);
            return;
        }
        deleteIfExists(generation);
    }

    private void deleteIfExists(String generation) throws IOException {
        try {
            client.indices().delete(delete -> delete.index(generation));
        } catch (OpenSearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /** One rebuild at a time among every member on this alias: see {@link RebuildClaims}. */
    @Override
    public Optional<RebuildClaim> claimRebuild(String owner) throws IOException {
        return claims.claim(owner);
    }

    /**
     * Up while the alias names a generation whose health is green or yellow (a replica not allocated, as on one node,
     * loses no write); down when it is red, the alias is gone or the cluster does not answer.
     */
    @Override
    public Health health() {
        try {
            Optional<String> live = aliasTarget(healthClient);
            if (live.isEmpty()) {
                return new Health(false, Map.of("backend", "opensearch", "reason", "alias " + alias + " names no index"));
            }
            HealthStatus status = healthClient.cluster().health(health -> health.index(live.get())).status();
            return new Health(status != HealthStatus.Red, Map.of("backend", "opensearch", "generation", live.get(),
                    "status", status.jsonValue()));
        } catch (IOException | RuntimeException e) {
            return new Health(false, Map.of("backend", "opensearch", "reason",
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    /**
     * {@code mayExist} for the first generation, which members starting at once all create; a fresh one that exists
     * is another rebuild's, still filling it.
     */
    private void create(String generation, boolean mayExist) throws IOException {
        try {
            client.indices().create(create -> create.index(generation)
                    // One shard: a blog corpus fits one easily, and BM25's statistics are then the whole index's, as
                    // with Lucene (several shards score each on its own share). Scale queries out with replicas.
                    .settings(settings -> settings.numberOfShards("1"))
                    .mappings(mapping()));
            LOG.infof("Created OpenSearch index %s", generation);
        } catch (OpenSearchException e) {
            if (!ALREADY_EXISTS.equals(e.error().type())) {
                throw e;
            }
            if (!mayExist) {
                throw new IOException(generation + " exists already: another rebuild is filling it", e);
            }
        }
    }

    /**
     * A created index answers 503 ("all shards failed") until its primary shard started; a member that found the first
     * generation created by another member starting with it would otherwise count its documents too early and exit.
     * Yellow alone is not enough: OpenSearch reports a just-created index whose primary is still initializing as
     * yellow, not red (seen: one of two members starting at once exited so). One active shard is the primary, as each
     * generation has one shard.
     */
    private void awaitPrimary(String generation) throws IOException {
        boolean timedOut;
        try {
            timedOut = primaryClient.cluster().health(health -> health.index(generation)
                    .waitForStatus(HealthStatus.Yellow)
                    .waitForActiveShards(active -> active.count(1))
                    .timeout(time -> time.time(PRIMARY_DEADLINE.toSeconds() + "s"))).timedOut();
        } catch (OpenSearchException e) {
            timedOut = true;
        }
        if (timedOut) {
            throw new IOException("The primary shard of " + generation + " did not start within "
                    + PRIMARY_DEADLINE.toSeconds() + " s");
        }
    }

    /** Strict: a field no one declared is a bug, refused rather than guessed. */
    private static TypeMapping mapping() {
        return TypeMapping.of(m -> m.dynamic(DynamicMapping.Strict)
                .properties(OpenSearchSearchIndex.BLOG_ID, p -> p.long_(l -> l))
                .properties(OpenSearchSearchIndex.VERSION, p -> p.long_(l -> l))
                .properties(OpenSearchSearchIndex.STATE, p -> p.keyword(k -> k))
                .properties(OpenSearchSearchIndex.AUTHOR, p -> p.keyword(k -> k))
                .properties(OpenSearchSearchIndex.TAGS, p -> p.keyword(k -> k))
                .properties(Highlights.TITLE, p -> p.text(t -> t.analyzer("english")))
                .properties(Highlights.BODY, p -> p.text(t -> t.analyzer("english"))));
    }

    private static OpenSearchClient withTimeout(OpenSearchClient client, Timeout timeout) {
        return client.withTransportOptions(ApacheHttpClient5Options.DEFAULT.toBuilder()
                .setRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout).build())
                .build());
    }

    private Optional<String> aliasTarget() throws IOException {
        return aliasTarget(client);
    }

    private Optional<String> aliasTarget(OpenSearchClient via) throws IOException {
        return aliasTargets(via).stream().sorted().reduce((first, second) -> second);
    }

    private Set<String> aliasTargets() throws IOException {
        return aliasTargets(client);
    }

    /** Normally one; an operator may have added the alias to more by hand. */
    private Set<String> aliasTargets(OpenSearchClient via) throws IOException {
        if (!via.indices().existsAlias(exists -> exists.name(alias)).value()) {
            return Set.of();
        }
        return via.indices().getAlias(get -> get.name(alias)).result().keySet();
    }

    private String liveGenerationOrUnknown() {
        try {
            return aliasTarget().orElse("(no index behind " + alias + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This alias's numbered generations, live or not. */
    private List<String> generations() throws IOException {
        return client.indices().get(get -> get.index(alias + "-*").allowNoIndices(true).ignoreUnavailable(true))
                .result().keySet().stream()
                .filter(name -> name.matches(alias + "-\\d{6}"))
                .toList();
    }

    private String generationName(int number) {
        return alias + "-%06d".formatted(number);
    }

    private static OpenSearchSearchIndex openSearch(SearchIndex index) {
        if (index instanceof OpenSearchSearchIndex openSearch) {
            return openSearch;
        }
        throw new IllegalArgumentException("Not an OpenSearch index: " + index.location());
    }
}

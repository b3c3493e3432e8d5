package dev.outbox.search.index;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.outbox.consumer.EventHandler.Applied;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.TotalHitsRelation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@link SearchIndex} several members share: one OpenSearch index (a generation, {@code blogs-000001}, ...). A blog
 * is one document whose id is the blog's and whose OpenSearch version is the blog's ({@code version_type=external}):
 * OpenSearch applies a write only if its version is higher, atomically, whichever member sends it, and answers 409
 * otherwise, which is a redelivered or stale event. A deletion writes a tombstone under the same rule, as real deletes'
 * versions are forgotten after {@code index.gc_deletes}. Each batch is one bulk request refreshed before it returns,
 * so it is searchable, and durable in the translog (fsynced per request). Queries are parsed and checked by
 * {@link UserQueries} here, translated by {@link OpenSearchQueries}, and highlighted here by {@link Highlights}.
 */
final class OpenSearchSearchIndex implements SearchIndex {

    static final String BLOG_ID = "blog_id";
    static final String AUTHOR = "author_id";
    static final String TAGS = "tags";
    static final String VERSION = "version";
    static final String STATE = "state";
    static final String LIVE = "live";
    static final String DELETED = "deleted";
    private static final int VERSION_CONFLICT = 409;
    /**
     * A document refused for what it holds, however often it is sent. Not every 400: a closed index is one too, and
     * an operator reopens it.
     */
    private static final Set<String> REFUSALS = Set.of("mapper_parsing_exception", "illegal_argument_exception",
            "strict_dynamic_mapping_exception");
    private static final Query LIVE_ONLY = Query.of(q -> q.term(t -> t.field(STATE).value(FieldValue.of(LIVE))));

    private final OpenSearchClient client;
    private final String generation;
    private final String url;
    private final Supplier<String> liveGeneration;
    private final BulkMetrics metrics;
    private final Analyzer analyzer = new EnglishAnalyzer();
    /** The generation's name while it is filled by a rebuild; the alias once live, so it follows later swaps. */
    private volatile String target;

    OpenSearchSearchIndex(OpenSearchClient client, String url, String generation, String target,
                          Supplier<String> liveGeneration, BulkMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
        this.url = url;
        this.generation = generation;
        this.target = target;
        this.liveGeneration = liveGeneration;
    }

    String generation() {
        return generation;
    }

    /** From now on reads and writes go through {@code alias}, wherever a later rebuild (by any member) points it. */
    void followAlias(String alias) {
        target = alias;
    }

    /**
     * A retried batch sends again what a first attempt applied; those items are then skipped as already applied, so
     * a retry counts them as skipped rather than applied.
     */
    @Override
    public Applied apply(List<BlogChange> changes, Map<Partition, Long> nextOffsets) throws IOException {
        if (changes.isEmpty()) {
            return Applied.allNew(0, 0);
        }
        Map<Long, BlogChange> newestByBlog = new LinkedHashMap<>();
        for (BlogChange change : changes) {
            newestByBlog.merge(change.blogId(), change, (a, b) -> b.version() > a.version() ? b : a);
        }
        // Through the alias, only while it exists: with OpenSearch's default action.auto_create_index, a write to a
        // lost alias would create a concrete index of that name, with guessed mappings, in the alias's way.
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(target).refresh(Refresh.True)
                .requireAlias(!target.equals(generation));
        for (BlogChange change : newestByBlog.values()) {
            bulk.operations(op -> op.index(write -> write
                    .id(Long.toString(change.blogId()))
                    .version(change.version())
                    .versionType(VersionType.External)
                    .document(document(change))));
        }
        long start = System.nanoTime();
        BulkResponse response;
        try {
            response = client.bulk(bulk.build());
        } catch (IOException | RuntimeException e) {
            metrics.record(BulkMetrics.ERROR, System.nanoTime() - start);
            throw e;
        }
        long took = System.nanoTime() - start;
        int applied = 0;
        Set<String> heldNewer = new HashSet<>();
        List<String> transientFailures = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (BulkResponseItem item : response.items()) {
            if (item.status() == VERSION_CONFLICT) {
                heldNewer.add(item.id());
            } else if (item.error() == null) {
                applied++;
            } else if (item.status() == 400 && REFUSALS.contains(item.error().type())) {
                refusals.add("blog " + item.id() + ": " + item.error().reason());
            } else {
                // 429 (queues full, disk flood stage), 5xx (shards unavailable), but also a closed or deleted index
                // or a changed role: fixed outside, and no reason to dead-letter every event meanwhile.
                transientFailures.add("blog " + item.id() + ": " + item.status() + " " + item.error().reason());
            }
        }
        metrics.failedDocuments(BulkMetrics.RETRIED, transientFailures.size());
        metrics.failedDocuments(BulkMetrics.REFUSED, refusals.size());
        metrics.record(!transientFailures.isEmpty() ? BulkMetrics.RETRIED
                : !refusals.isEmpty() ? BulkMetrics.REFUSED : BulkMetrics.OK, took);
        if (!transientFailures.isEmpty()) {
            throw new IOException(transientFailures.size() + " of " + newestByBlog.size() + " documents not written to "
                    + generation + ", the batch is retried: " + transientFailures.get(0));
        }
        if (!refusals.isEmpty()) {
            throw new RefusedChangeException(refusals.size() + " documents refused by " + generation + ": "
                    + refusals.get(0));
        }
        // A 409 says the index holds the blog's newest version of this batch or a later one, so every event of that
        // blog here was held. (An older event of a blog whose newest did apply may have been held too: OpenSearch does
        // not say; counted as new.)
        BitSet alreadyHeld = new BitSet();
        for (int i = 0; i < changes.size(); i++) {
            if (heldNewer.contains(Long.toString(changes.get(i).blogId()))) {
                alreadyHeld.set(i);
            }
        }
        return new Applied(applied, changes.size() - applied, alreadyHeld);
    }

    @Override
    public Optional<Map<Partition, Long>> positions() {
        return Optional.empty();
    }

    /** Only a document OpenSearch refused for its content is the change's fault; a retry may pass for anything else. */
    @Override
    public boolean isTransient(Exception failure) {
        return !(failure instanceof RefusedChangeException);
    }

    @Override
    public SearchResults search(SearchRequest request) throws IOException {
        boolean byRelevance = request.text() != null && !request.text().isBlank();
        org.apache.lucene.search.Query text = byRelevance
                ? UserQueries.parse(request.text().strip(), analyzer) : new MatchAllDocsQuery();
        BoolQuery.Builder query = new BoolQuery.Builder().must(OpenSearchQueries.translate(text)).filter(LIVE_ONLY);
        if (request.authorId() != null) {
            query.filter(Query.of(q -> q.term(t -> t.field(AUTHOR).value(FieldValue.of(request.authorId().toString())))));
        }
        if (request.tag() != null) {
            query.filter(Query.of(q -> q.term(t -> t.field(TAGS).value(FieldValue.of(BlogChange.normalizedTag(request.tag()))))));
        }
        org.opensearch.client.opensearch.core.SearchRequest.Builder search =
                new org.opensearch.client.opensearch.core.SearchRequest.Builder()
                        .index(target)
                        .query(query.build().toQuery())
                        .from((request.page() - 1) * request.size())
                        .size(request.size())
                        .trackTotalHits(total -> total.count(LuceneSearchIndex.EXACT_TOTAL_UP_TO))
                        .source(source -> source.filter(f -> f.includes(BLOG_ID, AUTHOR, VERSION, TAGS,
                                Highlights.TITLE, Highlights.BODY)));
        if (!byRelevance) {
            search.sort(sort -> sort.field(f -> f.field(BLOG_ID).order(SortOrder.Desc)));
        }
        SearchResponse<StoredBlog> response;
        try {
            response = client.search(search.build(), StoredBlog.class);
        } catch (OpenSearchException e) {
            throw searchFailure(e);
        }
        List<Hit<StoredBlog>> page = response.hits().hits();
        List<String> titles = page.stream().map(hit -> hit.source().title()).toList();
        List<String> bodies = page.stream().map(hit -> hit.source().body()).toList();
        Map<String, String[]> highlights = Highlights.of(analyzer, text, titles, bodies);
        List<SearchResults.Hit> hits = new ArrayList<>(page.size());
        for (int i = 0; i < page.size(); i++) {
            StoredBlog blog = page.get(i).source();
            Double score = page.get(i).score();
            hits.add(new SearchResults.Hit(blog.blogId(), Long.parseLong(blog.authorId()), blog.version(),
                    blog.title(), blog.tags(), byRelevance && score != null ? score.floatValue() : null,
                    highlights.get(Highlights.TITLE)[i], highlights.get(Highlights.BODY)[i]));
        }
        var total = response.hits().total();
        return new SearchResults(total.value(), total.relation() == TotalHitsRelation.Eq, hits);
    }

    @Override
    public long documents() throws IOException {
        try {
            return client.count(count -> count.index(target).query(LIVE_ONLY)).count();
        } catch (OpenSearchException e) {
            throw searchFailure(e);
        }
    }

    @Override
    public String location() {
        return url + "/" + generation;
    }

    @Override
    public String name() {
        return target.equals(generation) ? generation : liveGeneration.get();
    }

    /** The client belongs to {@link OpenSearchIndexes}, and the index lives on in OpenSearch. */
    @Override
    public void close() {
    }

    private RuntimeException searchFailure(OpenSearchException e) {
        String reason = String.valueOf(e.getMessage());
        if (e.status() == 404) {
            // Deleted by a rebuild's swap under this query: LiveIndex asks the new one.
            return new AlreadyClosedException(generation + " is gone: " + reason);
        }
        if (e.status() == 429 || e.status() >= 500) {
            // Overloaded, or shards not started yet (a node restarting): the same query will pass later.
            return new IndexUnavailableException("OpenSearch answered " + e.status() + ": " + reason, e);
        }
        if (e.status() == 400 && reason.contains("too_many")) {
            return new InvalidQueryException("The query expands to more than " + IndexSearcher.getMaxClauseCount()
                    + " terms; use fewer fuzzy (~) or prefix (*) words.");
        }
        return e;
    }

    private static Map<String, Object> document(BlogChange change) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put(BLOG_ID, change.blogId());
        doc.put(VERSION, change.version());
        if (change.isDeletion()) {
            doc.put(STATE, DELETED);
            return doc;
        }
        doc.put(STATE, LIVE);
        doc.put(AUTHOR, Long.toString(change.authorId()));
        doc.put(TAGS, change.tags().stream().map(BlogChange::normalizedTag).toList());
        doc.put(Highlights.TITLE, change.title());
        doc.put(Highlights.BODY, change.body());
        return doc;
    }

    /** A live blog's document as stored in {@code _source}. */
    record StoredBlog(@JsonProperty(BLOG_ID) long blogId, @JsonProperty(AUTHOR) String authorId, long version,
                      List<String> tags, String title, String body) {
    }

    /** A document OpenSearch refuses whatever the retry: its event goes to the dead-letter topic. */
    static final class RefusedChangeException extends RuntimeException {

        RefusedChangeException(String message) {
            super(message);
        }
    }
}

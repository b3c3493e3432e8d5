package dev.outbox.search.index;

import dev.outbox.consumer.EventHandler.Applied;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded {@link SearchIndex}: one Lucene index in a directory. A blog is one document keyed by its id and
 * holding its version; a deletion leaves a text-less tombstone with the deleting version, so a stale publish or
 * update arriving later cannot bring the blog back. Each batch is one Lucene commit, and the commit's user data
 * holds the Kafka offsets it covers, so index and offsets can never disagree after a crash. A batch is searchable
 * as soon as it is applied, before that commit's fsyncs (as Elasticsearch's refresh precedes its flush).
 */
final class LuceneSearchIndex implements SearchIndex {

    static final String TITLE = Highlights.TITLE;
    static final String BODY = Highlights.BODY;
    private static final String ID = "id";
    private static final String BLOG_ID = "blog_id";
    private static final String NEWEST_FIRST = "blog_order";
    private static final String AUTHOR = "author_id";
    private static final String TAG = "tag";
    private static final String VERSION = "version";
    private static final String STATE = "state";
    private static final String LIVE = "live";
    private static final String DELETED = "deleted";
    private static final String OFFSET_KEY = "kafka.offset:";
    /** Hits are counted exactly up to here, then reported as "at least" (Elasticsearch's default too). */
    static final int EXACT_TOTAL_UP_TO = 10_000;
    private static final Sort NEWEST_FIRST_SORT = new Sort(new SortField(NEWEST_FIRST, SortField.Type.LONG, true));
    private static final Query LIVE_ONLY = new TermQuery(new Term(STATE, LIVE));
    private static final FieldType TEXT_WITH_OFFSETS = Highlights.TEXT_WITH_OFFSETS;

    private final Path path;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    LuceneSearchIndex(Path path) throws IOException {
        this.path = path;
        this.directory = FSDirectory.open(path);
        // Nothing uncommitted may reach disk on close: a half-applied batch is applied again from Kafka.
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setCommitOnClose(false);
        this.writer = new IndexWriter(directory, config);
        this.searchers = new SearcherManager(writer, null);
    }

    Path path() {
        return path;
    }

    @Override
    public Applied apply(List<BlogChange> changes, Map<Partition, Long> nextOffsets) throws IOException {
        Map<Long, BlogChange> newestByBlog = new LinkedHashMap<>();
        for (BlogChange change : changes) {
            newestByBlog.merge(change.blogId(), change, (a, b) -> b.version() > a.version() ? b : a);
        }
        int applied = 0;
        Map<Long, Long> heldVersions = new HashMap<>();
        IndexSearcher searcher = searchers.acquire();
        try {
            StoredFields stored = searcher.storedFields();
            for (BlogChange change : newestByBlog.values()) {
                long held = indexedVersion(searcher, stored, change.blogId());
                heldVersions.put(change.blogId(), held);
                if (change.version() > held) {
                    writer.updateDocument(new Term(ID, Long.toString(change.blogId())), document(change));
                    applied++;
                }
            }
        } finally {
            searchers.release(searcher);
        }
        BitSet alreadyHeld = new BitSet();
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).version() <= heldVersions.get(changes.get(i).blogId())) {
                alreadyHeld.set(i);
            }
        }
        // Searchable first, durable second: the refresh reads the writer's buffer, so readers need not wait for the
        // commit's fsyncs. A crash in between loses nothing: the offsets move only with the commit, so the batch
        // is read again and applied again.
        searchers.maybeRefreshBlocking();
        writer.setLiveCommitData(withOffsets(nextOffsets).entrySet());
        writer.commit();
        return new Applied(applied, changes.size() - applied, alreadyHeld);
    }

    @Override
    public Optional<Map<Partition, Long>> positions() {
        Map<Partition, Long> positions = new HashMap<>();
        for (Map.Entry<String, String> entry : committedData().entrySet()) {
            if (entry.getKey().startsWith(OFFSET_KEY)) {
                String partition = entry.getKey().substring(OFFSET_KEY.length());
                int dash = partition.lastIndexOf('-');
                positions.put(new Partition(partition.substring(0, dash),
                        Integer.parseInt(partition.substring(dash + 1))), Long.parseLong(entry.getValue()));
            }
        }
        return Optional.of(positions);
    }

    @Override
    public SearchResults search(SearchRequest request) throws IOException {
        boolean byRelevance = request.text() != null && !request.text().isBlank();
        Query text = byRelevance ? UserQueries.parse(request.text().strip(), analyzer) : new MatchAllDocsQuery();
        BooleanQuery.Builder query = new BooleanQuery.Builder()
                .add(text, BooleanClause.Occur.MUST)
                .add(LIVE_ONLY, BooleanClause.Occur.FILTER);
        if (request.authorId() != null) {
            query.add(new TermQuery(new Term(AUTHOR, request.authorId().toString())), BooleanClause.Occur.FILTER);
        }
        if (request.tag() != null) {
            query.add(new TermQuery(new Term(TAG, BlogChange.normalizedTag(request.tag()))), BooleanClause.Occur.FILTER);
        }
        int window = request.window();
        IndexSearcher searcher = searchers.acquire();
        try {
            TopDocs top = byRelevance
                    ? searcher.search(query.build(), new TopScoreDocCollectorManager(window, EXACT_TOTAL_UP_TO))
                    : searcher.search(query.build(), new TopFieldCollectorManager(NEWEST_FIRST_SORT, window,
                    EXACT_TOTAL_UP_TO));
            int from = Math.min((request.page() - 1) * request.size(), top.scoreDocs.length);
            ScoreDoc[] page = Arrays.copyOfRange(top.scoreDocs, from, top.scoreDocs.length);
            boolean exact = top.totalHits.relation == TotalHits.Relation.EQUAL_TO;
            // Past the threshold Lucene reports how far it happened to count; "at least 10,000" is what is known.
            return new SearchResults(exact ? top.totalHits.value : EXACT_TOTAL_UP_TO, exact,
                    hits(searcher, text, page, byRelevance));
        } catch (IndexSearcher.TooManyClauses e) {
            // What UserQueries lets through stays under the limit; this keeps a future gap a 400, not a 500.
            throw new InvalidQueryException("The query expands to more than " + IndexSearcher.getMaxClauseCount()
                    + " terms; use fewer fuzzy (~) or prefix (*) words.");
        } finally {
            searchers.release(searcher);
        }
    }

    /** Lucene refuses a document it can never index with IllegalArgumentException; I/O failures may pass. */
    @Override
    public boolean isTransient(Exception failure) {
        return !(failure instanceof IllegalArgumentException);
    }

    @Override
    public long documents() throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return searcher.count(LIVE_ONLY);
        } finally {
            searchers.release(searcher);
        }
    }

    @Override
    public String location() {
        return path.toAbsolutePath().toString();
    }

    @Override
    public String name() {
        return path.getFileName().toString();
    }

    @Override
    public void close() throws IOException {
        searchers.close();
        writer.close();
        directory.close();
    }

    private List<SearchResults.Hit> hits(IndexSearcher searcher, Query text, ScoreDoc[] page, boolean byRelevance)
            throws IOException {
        if (page.length == 0) {
            return List.of();
        }
        int[] docIds = Arrays.stream(page).mapToInt(hit -> hit.doc).toArray();
        Map<String, String[]> highlights = Highlights.of(searcher, analyzer, text, docIds);
        StoredFields stored = searcher.storedFields();
        List<SearchResults.Hit> hits = new ArrayList<>(page.length);
        for (int i = 0; i < page.length; i++) {
            Document doc = stored.document(page[i].doc, Set.of(BLOG_ID, AUTHOR, VERSION, TITLE, TAG));
            hits.add(new SearchResults.Hit(
                    doc.getField(BLOG_ID).numericValue().longValue(),
                    Long.parseLong(doc.get(AUTHOR)),
                    doc.getField(VERSION).numericValue().longValue(),
                    doc.get(TITLE),
                    List.of(doc.getValues(TAG)),
                    byRelevance ? page[i].score : null,
                    highlights.get(TITLE)[i],
                    highlights.get(BODY)[i]));
        }
        return hits;
    }

    /** 0 when the blog was never indexed; versions start at 1. */
    private static long indexedVersion(IndexSearcher searcher, StoredFields stored, long blogId) throws IOException {
        TopDocs found = searcher.search(new TermQuery(new Term(ID, Long.toString(blogId))), 1);
        if (found.scoreDocs.length == 0) {
            return 0;
        }
        IndexableField version = stored.document(found.scoreDocs[0].doc, Set.of(VERSION)).getField(VERSION);
        return version.numericValue().longValue();
    }

    private static Document document(BlogChange change) {
        Document doc = new Document();
        doc.add(new StringField(ID, Long.toString(change.blogId()), Field.Store.NO));
        doc.add(new StoredField(BLOG_ID, change.blogId()));
        doc.add(new NumericDocValuesField(NEWEST_FIRST, change.blogId()));
        doc.add(new StoredField(VERSION, change.version()));
        if (change.isDeletion()) {
            doc.add(new StringField(STATE, DELETED, Field.Store.NO));
            return doc;
        }
        doc.add(new StringField(STATE, LIVE, Field.Store.NO));
        doc.add(new StringField(AUTHOR, Long.toString(change.authorId()), Field.Store.YES));
        for (String tag : change.tags()) {
            doc.add(new StringField(TAG, BlogChange.normalizedTag(tag), Field.Store.YES));
        }
        doc.add(new Field(TITLE, change.title(), TEXT_WITH_OFFSETS));
        doc.add(new Field(BODY, change.body(), TEXT_WITH_OFFSETS));
        return doc;
    }

    /** Offsets only move forward: a batch redelivered after a rebuild must not take them back. */
    private Map<String, String> withOffsets(Map<Partition, Long> nextOffsets) {
        Map<String, String> data = new HashMap<>(committedData());
        nextOffsets.forEach((partition, offset) -> data.merge(OFFSET_KEY + partition, Long.toString(offset),
                (old, next) -> Long.parseLong(next) > Long.parseLong(old) ? next : old));
        return data;
    }

    private Map<String, String> committedData() {
        Map<String, String> data = new HashMap<>();
        Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
        if (live != null) {
            live.forEach(entry -> data.put(entry.getKey(), entry.getValue()));
        }
        return data;
    }

}

package dev.outbox.search.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.ByteBuffersDirectory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The snippets every backend answers with: Lucene's unified highlighter, HTML-escaped text with the query's words in
 * {@code <mark>}, or the field's beginning without a match. The OpenSearch backend highlights the texts it fetched
 * here too, so both backends escape and cut the same way (OpenSearch's own html encoder also escapes every non-ASCII
 * character as {@code &#NNN;}).
 */
final class Highlights {

    static final String TITLE = "title";
    static final String BODY = "body";
    /** Stored for display and highlighting; offsets in the postings let the highlighter skip re-analysis. */
    static final FieldType TEXT_WITH_OFFSETS = textWithOffsets();
    private static final int SNIPPET_LENGTH = 10_000;
    private static final String[] FIELDS = {TITLE, BODY};
    private static final int[] PASSAGES = {1, 2};

    private Highlights() {
    }

    /** Highlights of documents in {@code searcher}'s index, by field, in the order of {@code docIds}. */
    static Map<String, String[]> of(IndexSearcher searcher, Analyzer analyzer, Query query, int[] docIds)
            throws IOException {
        UnifiedHighlighter highlighter = UnifiedHighlighter.builder(searcher, analyzer)
                .withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", " … ", true))
                .withMaxLength(SNIPPET_LENGTH)
                .withMaxNoHighlightPassages(1)
                .build();
        return highlighter.highlightFields(FIELDS, query, docIds, PASSAGES);
    }

    /** Highlights of texts held elsewhere: indexed in memory first, exactly as the Lucene backend indexes them. */
    static Map<String, String[]> of(Analyzer analyzer, Query query, List<String> titles, List<String> bodies)
            throws IOException {
        // No merges: documents keep the ids of their insertion order.
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setMergePolicy(NoMergePolicy.INSTANCE);
        try (ByteBuffersDirectory directory = new ByteBuffersDirectory()) {
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int i = 0; i < titles.size(); i++) {
                    Document doc = new Document();
                    doc.add(new Field(TITLE, titles.get(i), TEXT_WITH_OFFSETS));
                    doc.add(new Field(BODY, bodies.get(i), TEXT_WITH_OFFSETS));
                    writer.addDocument(doc);
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                return of(new IndexSearcher(reader), analyzer, query, IntStream.range(0, titles.size()).toArray());
            }
        }
    }

    private static FieldType textWithOffsets() {
        FieldType type = new FieldType(TextField.TYPE_STORED);
        type.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        type.freeze();
        return type;
    }
}

package dev.outbox.search.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;

import java.io.IOException;
import java.util.List;
import java.util.Map;

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
        return configuredBuilder(UnifiedHighlighter.builder(searcher, analyzer)).build().highlightFields(FIELDS, query,
                docIds, PASSAGES);
    }

    /**
     * Highlights of texts held elsewhere, by field, in their order: each text in a one-document in-memory index,
     * analysed and highlighted exactly as the Lucene backend's. (An IndexWriter over all the hits spent most of an
     * OpenSearch query's CPU on its flush and codecs, for an index thrown away at once: docs/benchmarks.md, "OpenSearch
     * queries: profile".)
     */
    static Map<String, String[]> of(Analyzer analyzer, Query query, List<String> titles, List<String> bodies)
            throws IOException {
        Map<String, String[]> highlights = Map.of(TITLE, new String[titles.size()], BODY, new String[titles.size()]);
        MemoryIndex index = new MemoryIndex(true);
        for (int i = 0; i < titles.size(); i++) {
            index.reset();
            index.addField(TITLE, titles.get(i), analyzer);
            index.addField(BODY, bodies.get(i), analyzer);
            UnifiedHighlighter highlighter = new HeldTexts(
                    UnifiedHighlighter.builder(index.createSearcher(), analyzer), titles.get(i), bodies.get(i));
            Map<String, String[]> one = highlighter.highlightFields(FIELDS, query, new int[] {0}, PASSAGES);
            highlights.get(TITLE)[i] = one.get(TITLE)[0];
            highlights.get(BODY)[i] = one.get(BODY)[0];
        }
        return highlights;
    }

    /** A highlighter of one document whose texts it holds: an in-memory index stores none. */
    private static final class HeldTexts extends UnifiedHighlighter {

        private final String title;
        private final String body;

        HeldTexts(Builder builder, String title, String body) {
            super(configuredBuilder(builder));
            this.title = title;
            this.body = body;
        }

        @Override
        protected List<CharSequence[]> loadFieldValues(String[] fields, DocIdSetIterator docIds,
                                                       int cacheCharsThreshold) {
            CharSequence[] values = new CharSequence[fields.length];
            for (int field = 0; field < fields.length; field++) {
                String text = fields[field].equals(TITLE) ? title : body;
                // Cut as the highlighter cuts a stored field it reads.
                values[field] = text.length() > SNIPPET_LENGTH ? text.substring(0, SNIPPET_LENGTH) : text;
            }
            return List.<CharSequence[]>of(values);
        }
    }

    private static UnifiedHighlighter.Builder configuredBuilder(UnifiedHighlighter.Builder builder) {
        return builder.withFormatter(new DefaultPassageFormatter("<mark>", "</mark>", " … ", true))
                .withMaxLength(SNIPPET_LENGTH)
                .withMaxNoHighlightPassages(1);
    }

    private static FieldType textWithOffsets() {
        FieldType type = new FieldType(TextField.TYPE_STORED);
        type.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        type.freeze();
        return type;
    }
}

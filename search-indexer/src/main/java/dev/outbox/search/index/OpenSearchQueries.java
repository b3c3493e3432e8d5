package dev.outbox.search.index;

import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.TermQuery;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.BoolQuery;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch._types.query_dsl.SpanQuery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translates the Lucene query {@link UserQueries} parsed and checked into OpenSearch's query DSL, node for node, so
 * both backends match the same documents for the same text. OpenSearch's own {@code query_string} is not used: it
 * analyses whitespace-separated words as one text per field, so {@code kafka outbox} would need both words in one
 * field there and not here. The terms arrive analysed (the same {@code english} analysis on both sides), so they go as
 * term-level queries.
 */
final class OpenSearchQueries {

    /** Analyses nothing: the phrase's terms are already the analysed tokens. */
    private static final String PRE_ANALYSED = "whitespace";

    private OpenSearchQueries() {
    }

    static Query translate(org.apache.lucene.search.Query query) {
        return translate(query, 1f);
    }

    private static Query translate(org.apache.lucene.search.Query query, float boost) {
        if (query instanceof BoostQuery boosted) {
            return translate(boosted.getQuery(), boost * boosted.getBoost());
        }
        if (query instanceof TermQuery term) {
            Term t = term.getTerm();
            return Query.of(q -> q.term(x -> x.field(t.field()).value(FieldValue.of(t.text())).boost(boost)));
        }
        if (query instanceof BooleanQuery bool) {
            return bool(bool, boost);
        }
        if (query instanceof PhraseQuery phrase) {
            return phrase(phrase, boost);
        }
        if (query instanceof PrefixQuery prefix) {
            Term t = prefix.getPrefix();
            return Query.of(q -> q.prefix(x -> x.field(t.field()).value(t.text()).boost(boost)));
        }
        if (query instanceof FuzzyQuery fuzzy) {
            Term t = fuzzy.getTerm();
            return Query.of(q -> q.fuzzy(x -> x.field(t.field()).value(FieldValue.of(t.text()))
                    .fuzziness(Integer.toString(fuzzy.getMaxEdits()))
                    .prefixLength(fuzzy.getPrefixLength())
                    .maxExpansions(FuzzyQuery.defaultMaxExpansions)
                    .transpositions(fuzzy.getTranspositions())
                    .boost(boost)));
        }
        if (query instanceof MatchAllDocsQuery) {
            return Query.of(q -> q.matchAll(x -> x.boost(boost)));
        }
        if (query instanceof MatchNoDocsQuery) {
            return matchNone();
        }
        throw new InvalidQueryException("This search cannot be run: '" + query + "' has no OpenSearch equivalent here.");
    }

    private static Query bool(BooleanQuery bool, float boost) {
        List<Query> must = new ArrayList<>();
        List<Query> should = new ArrayList<>();
        List<Query> mustNot = new ArrayList<>();
        List<Query> filter = new ArrayList<>();
        for (BooleanClause clause : bool.clauses()) {
            Query translated = translate(clause.getQuery());
            switch (clause.getOccur()) {
                case MUST -> must.add(translated);
                case SHOULD -> should.add(translated);
                case MUST_NOT -> mustNot.add(translated);
                case FILTER -> filter.add(translated);
            }
        }
        // Lucene matches nothing without a positive clause ("-kafka" alone, or only stop words); OpenSearch would
        // match everything else.
        if (must.isEmpty() && should.isEmpty() && filter.isEmpty()) {
            return matchNone();
        }
        BoolQuery.Builder builder = new BoolQuery.Builder().must(must).should(should).mustNot(mustNot).filter(filter)
                .boost(boost);
        if (bool.getMinimumNumberShouldMatch() > 0) {
            builder.minimumShouldMatch(Integer.toString(bool.getMinimumNumberShouldMatch()));
        }
        return builder.build().toQuery();
    }

    /**
     * Consecutive terms are a phrase of pre-analysed words, which OpenSearch turns into the same Lucene phrase. Gaps
     * (stop words removed from the phrase) have no such form; a span of the terms in order within as many positions
     * matches the same texts but for other words in the gaps' place.
     */
    private static Query phrase(PhraseQuery phrase, float boost) {
        Term[] terms = phrase.getTerms();
        int[] positions = phrase.getPositions();
        int gaps = positions[positions.length - 1] - positions[0] - (positions.length - 1);
        if (gaps == 0) {
            String text = String.join(" ", Arrays.stream(terms).map(Term::text).toList());
            return Query.of(q -> q.matchPhrase(x -> x.field(phrase.getField()).query(text).analyzer(PRE_ANALYSED)
                    .slop(phrase.getSlop()).boost(boost)));
        }
        List<SpanQuery> clauses = Arrays.stream(terms)
                .map(term -> SpanQuery.of(s -> s.spanTerm(x -> x.field(term.field()).value(term.text()))))
                .toList();
        return Query.of(q -> q.spanNear(x -> x.clauses(clauses).slop(phrase.getSlop() + gaps).inOrder(true)
                .boost(boost)));
    }

    private static Query matchNone() {
        return Query.of(q -> q.matchNone(x -> x));
    }
}

package dev.outbox.search.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns what a user typed into a Lucene query, or refuses it with a reason. Lucene's classic syntax (words,
 * "phrases", AND/OR/NOT, +/-, title:word, prefix*, fuzzy~) over title and body, title weighted higher; what can
 * make one query expensive (regular expressions, ranges, wildcards inside words, one-letter prefixes, very long
 * or very wide queries) is refused rather than run.
 */
final class UserQueries {

    static final int MAX_LENGTH = 200;
    static final int MAX_TERMS = 32;
    private static final int MIN_PREFIX = 2;
    private static final Set<String> SEARCHABLE = Set.of(LuceneSearchIndex.TITLE, LuceneSearchIndex.BODY);
    private static final Map<String, Float> BOOSTS = Map.of(LuceneSearchIndex.TITLE, 3f, LuceneSearchIndex.BODY, 1f);

    private UserQueries() {
    }

    static Query parse(String text, Analyzer analyzer) {
        if (text.length() > MAX_LENGTH) {
            throw new InvalidQueryException("The query is " + text.length() + " characters long; the limit is "
                    + MAX_LENGTH + ".");
        }
        Query query;
        try {
            query = new GuardedParser(analyzer).parse(text);
        } catch (ParseException e) {
            throw new InvalidQueryException(firstLine(e.getMessage()));
        }
        Guard guard = new Guard();
        query.visit(guard);
        if (guard.unknownField != null) {
            throw new InvalidQueryException("'" + guard.unknownField + "' is not a searchable field; use title: or "
                    + "body:, or put the text in quotes.");
        }
        if (guard.terms > MAX_TERMS) {
            throw new InvalidQueryException("The query has " + guard.terms + " terms; the limit is " + MAX_TERMS + ".");
        }
        return query;
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** The classic parser with the expensive constructs refused at parse time. */
    private static final class GuardedParser extends MultiFieldQueryParser {

        GuardedParser(Analyzer analyzer) {
            super(SEARCHABLE.toArray(String[]::new), analyzer, BOOSTS);
            setDefaultOperator(QueryParser.Operator.AND);
        }

        @Override
        protected Query getRegexpQuery(String field, String termStr) throws ParseException {
            throw new ParseException("Regular expressions are not supported; put /" + termStr + "/ in quotes to "
                    + "search for it.");
        }

        @Override
        protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive,
                                      boolean endInclusive) throws ParseException {
            throw new ParseException("Ranges are not supported.");
        }

        @Override
        protected Query getWildcardQuery(String field, String termStr) throws ParseException {
            if ("*".equals(field) && "*".equals(termStr)) {
                return super.getWildcardQuery(field, termStr);
            }
            throw new ParseException("Wildcards are supported only at the end of a word, like outb*.");
        }

        @Override
        protected Query getPrefixQuery(String field, String termStr) throws ParseException {
            if (termStr.length() < MIN_PREFIX) {
                throw new ParseException("A prefix needs at least " + MIN_PREFIX + " characters before the *.");
            }
            return super.getPrefixQuery(field, termStr);
        }
    }

    /** Counts the terms a query will look up and notes a field users may not search. */
    private static final class Guard extends QueryVisitor {

        int terms;
        String unknownField;

        @Override
        public boolean acceptField(String field) {
            if (!SEARCHABLE.contains(field) && unknownField == null) {
                unknownField = field;
            }
            return true;
        }

        @Override
        public void consumeTerms(Query query, Term... found) {
            terms += found.length;
        }

        @Override
        public void consumeTermsMatching(Query query, String field, Supplier<ByteRunAutomaton> automaton) {
            terms++;
        }

        @Override
        public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return this;
        }
    }
}

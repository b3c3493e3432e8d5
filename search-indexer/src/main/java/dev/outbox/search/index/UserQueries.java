package dev.outbox.search.index;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.FuzzyQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.automaton.ByteRunAutomaton;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns what a user typed into a Lucene query, or refuses it with a reason. Lucene's classic syntax (words,
 * "phrases", AND/OR/NOT, +/-, title:word, prefix*, fuzzy~) over title and body, title weighted higher; what can
 * make one query expensive or fail inside Lucene (regular expressions, ranges, wildcards inside words, one-letter
 * prefixes, long fuzzy terms, many fuzzy or prefix lookups, boosts beyond reason, very long or very wide queries) is
 * refused rather than run.
 */
final class UserQueries {

    static final int MAX_LENGTH = 200;
    static final int MAX_TERMS = 32;
    /** Fuzzy and prefix lookups; each fuzzy one may expand to 50 terms, and Lucene refuses past 1,024 in all. */
    static final int MAX_EXPANDING = 10;
    /** A fuzzy term's automaton grows with its length; misspelt words longer than this are rare. */
    static final int MAX_FUZZY_LENGTH = 20;
    static final float MAX_BOOST = 100;
    /** Boosts multiply when nested (the title's weight counts too); this keeps scores far from overflowing. */
    static final float MAX_NESTED_BOOST = 1_000;
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
        requirePlainBoosts(text);
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
        if (guard.expanding > MAX_EXPANDING) {
            throw new InvalidQueryException("The query has " + guard.expanding + " fuzzy (~) or prefix (*) lookups, "
                    + "one per word and field searched; the limit is " + MAX_EXPANDING + ".");
        }
        if (guard.highestBoost > MAX_NESTED_BOOST) {
            throw new InvalidQueryException("Nested boosts multiply to more than " + (int) MAX_NESTED_BOOST
                    + "; use one boost per word.");
        }
        return query;
    }

    /**
     * The parser reads "kafka^1e40" as kafka^1 AND e40, and turns a boost too large for a float into an exception;
     * so every boost must be a plain number up to {@link #MAX_BOOST}, followed by a space, ")" or "~".
     */
    private static void requirePlainBoosts(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '^' && !quoted) {
                int end = i + 1;
                while (end < text.length() && (isAsciiDigit(text.charAt(end)) || text.charAt(end) == '.')) {
                    end++;
                }
                boolean followedWell = end == text.length() || Character.isWhitespace(text.charAt(end))
                        || text.charAt(end) == ')' || text.charAt(end) == '~';
                if (!followedWell || end == i + 1 || !(boost(text.substring(i + 1, end)) <= MAX_BOOST)) {
                    throw new InvalidQueryException("'" + text.substring(i, Math.min(end + 1, text.length()))
                            + "' is not a boost: a boost is a number up to " + (int) MAX_BOOST
                            + ", like kafka^2, followed by a space.");
                }
            }
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** NaN for what is not a number, which no comparison accepts. */
    private static float boost(String number) {
        try {
            return Float.parseFloat(number);
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
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
        protected Query getFuzzyQuery(String field, String termStr, float minSimilarity) throws ParseException {
            if (termStr.codePointCount(0, termStr.length()) > MAX_FUZZY_LENGTH) {
                throw new ParseException("A fuzzy term (~) may be at most " + MAX_FUZZY_LENGTH + " characters long.");
            }
            return super.getFuzzyQuery(field, termStr, minSimilarity);
        }

        @Override
        protected Query getPrefixQuery(String field, String termStr) throws ParseException {
            if (termStr.length() < MIN_PREFIX) {
                throw new ParseException("A prefix needs at least " + MIN_PREFIX + " characters before the *.");
            }
            return super.getPrefixQuery(field, termStr);
        }
    }

    /**
     * Counts the terms a query will look up and the fuzzy or prefix lookups among them, notes a field users may not
     * search, and the highest product of nested boosts.
     */
    private static final class Guard extends QueryVisitor {

        private final Guard totals;
        private final float boost;
        int terms;
        int expanding;
        float highestBoost = 1;
        String unknownField;

        Guard() {
            this.totals = this;
            this.boost = 1;
        }

        private Guard(Guard totals, float boost) {
            this.totals = totals;
            this.boost = boost;
            totals.highestBoost = Math.max(totals.highestBoost, boost);
        }

        @Override
        public boolean acceptField(String field) {
            if (!SEARCHABLE.contains(field) && totals.unknownField == null) {
                totals.unknownField = field;
            }
            return true;
        }

        @Override
        public void consumeTerms(Query query, Term... found) {
            totals.terms += found.length;
        }

        @Override
        public void consumeTermsMatching(Query query, String field, Supplier<ByteRunAutomaton> automaton) {
            totals.terms++;
            if (query instanceof FuzzyQuery || query instanceof PrefixQuery) {
                totals.expanding++;
            }
        }

        @Override
        public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
            return parent instanceof BoostQuery boosted ? new Guard(totals, boost * boosted.getBoost()) : this;
        }
    }
}

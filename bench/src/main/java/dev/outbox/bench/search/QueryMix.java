package dev.outbox.bench.search;

import dev.outbox.search.index.SearchRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * What the benchmark asks the index: eight kinds of query, from one common word to a tag listing sorted newest first,
 * with words picked by their rank in {@link SearchTexts}' vocabulary. Each client takes the kinds in turn from its own
 * seed, so the HTTP and the in-process runs ask the same questions in the same order.
 */
final class QueryMix {

    /** One request and the kind it counts under. */
    record Query(String kind, SearchRequest request) {

        /** The request's parameters as a user would type them, those left at their default omitted. */
        String describe() {
            List<String> parameters = new ArrayList<>();
            if (request.text() != null) {
                parameters.add("q=" + request.text());
            }
            if (request.authorId() != null) {
                parameters.add("author=" + request.authorId());
            }
            if (request.tag() != null) {
                parameters.add("tag=" + request.tag());
            }
            if (request.page() != 1) {
                parameters.add("page=" + request.page());
            }
            return String.join(" ", parameters);
        }
    }

    private record Kind(String name, Function<SplittableRandom, SearchRequest> requests) {
    }

    static final int PAGE_SIZE = 10;
    private static final long SAMPLE_SEED = 99;

    private final List<Kind> kinds;

    /** Ranks 1–10 are in nearly every blog, ranks from 2,000 on in 1 % of them or fewer. */
    QueryMix(SearchTexts texts, int authors) {
        Zipf words = texts.words();
        this.kinds = List.of(
                new Kind("common word", random -> text(word(words, random, 1, 10))),
                new Kind("rare word", random -> text(word(words, random, 2_000, words.size()))),
                new Kind("two words (AND)", random -> text(word(words, random, 11, 300) + " "
                        + word(words, random, 11, 300))),
                new Kind("phrase", random -> text('"' + word(words, random, 1, 20) + " "
                        + word(words, random, 1, 20) + '"')),
                new Kind("prefix", random -> text(word(words, random, 1, 50).substring(0, 2) + "*")),
                new Kind("word + author", random -> new SearchRequest(word(words, random, 1, 50),
                        1L + random.nextInt(authors), null, 1, PAGE_SIZE)),
                new Kind("tag, newest first", random -> new SearchRequest(null, null,
                        texts.tags().draw(random), 1, PAGE_SIZE)),
                new Kind("common word, page 5", random -> new SearchRequest(word(words, random, 1, 10), null, null,
                        5, PAGE_SIZE)));
    }

    List<String> kinds() {
        return kinds.stream().map(Kind::name).toList();
    }

    /** The queries of client {@code client}. */
    Client forClient(int client) {
        return new Client(client);
    }

    /** One client's queries: every kind in turn, starting at a different kind per client, from its own seed. */
    final class Client {

        private final SplittableRandom random;
        private int next;

        private Client(int client) {
            this.random = new SplittableRandom(client);
            this.next = client;
        }

        Query next() {
            Kind kind = kinds.get(next++ % kinds.size());
            return new Query(kind.name(), kind.requests().apply(random));
        }
    }

    /** {@code perKind} queries of every kind from a fixed seed, to compare the two indexes' answers. */
    List<Query> samples(int perKind) {
        SplittableRandom random = new SplittableRandom(SAMPLE_SEED);
        List<Query> samples = new ArrayList<>();
        for (Kind kind : kinds) {
            for (int i = 0; i < perKind; i++) {
                samples.add(new Query(kind.name(), kind.requests().apply(random)));
            }
        }
        return samples;
    }

    private static SearchRequest text(String text) {
        return new SearchRequest(text, null, null, 1, PAGE_SIZE);
    }

    /** A word whose rank is between {@code fromRank} and {@code toRank}, uniformly. */
    private static String word(Zipf words, SplittableRandom random, int fromRank, int toRank) {
        return words.atRank(random.nextInt(fromRank, toRank + 1));
    }
}

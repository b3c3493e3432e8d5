package dev.outbox.search.index;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Query texts a hostile or careless client may send, each of which must be refused as invalid: boosts that
 * overflow, fuzzy and prefix terms that expand past Lucene's clause limit, fuzzy terms too long to be cheap. Found
 * against an index holding {@link #similarWords()} and {@link #LONG_WORD}, so the expansions have terms to reach.
 */
public final class HostileQueries {

    /** 190 letters, not repeating soon (a fuzzy automaton for "qqqq…" is cheap): one token, under the length limit. */
    public static final String LONG_WORD = IntStream.range(0, 190)
            .mapToObj(i -> String.valueOf((char) ('a' + i * 7 % 26))).collect(Collectors.joining());

    private HostileQueries() {
    }

    /** "zqaa zqab … zqzz": 676 words within two edits of each other, so every zq..~2 expands to the limit. */
    public static String similarWords() {
        return IntStream.range(0, 26 * 26)
                .mapToObj(i -> "zq" + (char) ('a' + i / 26) + (char) ('a' + i % 26))
                .collect(Collectors.joining(" "));
    }

    public static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(
                "kafka^1e40",
                "kafka^" + "9".repeat(40),
                "kafka^340282350000000000000000000000000000000",
                "kafka^NaN",
                "kafka^-1",
                "kafka^Infinity",
                "(((kafka^1000)^1000)^1000)^1000",
                "title:kafka^100000",
                LONG_WORD + "~2",
                LONG_WORD.substring(0, 100) + "~2",
                LONG_WORD.substring(0, 100) + "~1"));
        texts.add(IntStream.range(0, 12).mapToObj(i -> "zq" + (char) ('a' + i) + "a~2")
                .collect(Collectors.joining(" OR ")));
        texts.add(IntStream.range(0, 25).mapToObj(i -> "zq" + (char) ('a' + i) + "a~2")
                .collect(Collectors.joining(" ")));
        texts.add(IntStream.range(0, 12).mapToObj(i -> "body:zq" + (char) ('a' + i) + "a~2")
                .collect(Collectors.joining(" ")));
        texts.add(IntStream.range(0, 30).mapToObj(i -> "zq" + (char) ('a' + i % 26) + "*")
                .collect(Collectors.joining(" ")));
        return texts;
    }
}

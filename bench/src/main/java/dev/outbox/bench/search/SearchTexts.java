package dev.outbox.bench.search;

import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.kafka.BlogText;
import org.apache.lucene.analysis.en.EnglishAnalyzer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The search benchmark's blog text: titles of 4–10 words and bodies of 150–250 words in sentences, drawn from a
 * vocabulary of 5,000 made-up words by {@link Zipf}, and 0–3 of 50 tags. The text of a blog version depends on the
 * blog and version alone, so it can be written again byte for byte for the in-process baseline.
 */
final class SearchTexts implements BlogText.Source {

    static final int VOCABULARY = 5_000;
    static final int TAGS = 50;
    private static final String CONSONANTS = "bcdfghklmnprstvz";
    private static final String VOWELS = "aeiou";

    private final long seed;
    private final Zipf words;
    private final Zipf tags;

    SearchTexts(long seed) {
        this.seed = seed;
        SplittableRandom random = new SplittableRandom(seed);
        this.words = new Zipf(madeUpWords(VOCABULARY, random));
        this.tags = new Zipf(madeUpWords(TAGS, random));
    }

    Zipf words() {
        return words;
    }

    Zipf tags() {
        return tags;
    }

    @Override
    public BlogText of(BlogEventStream.Event event) {
        SplittableRandom random = new SplittableRandom((seed * 31 + event.blogId()) * 31 + event.version());
        String title = capitalised(words(random, random.nextInt(4, 11)));
        StringBuilder body = new StringBuilder(1_600);
        for (int left = random.nextInt(150, 251); left > 0; ) {
            int sentence = Math.min(left, random.nextInt(6, 19));
            body.append(body.isEmpty() ? "" : " ").append(capitalised(words(random, sentence))).append('.');
            left -= sentence;
        }
        Set<String> blogTags = new LinkedHashSet<>();
        for (int count = random.nextInt(4); blogTags.size() < count; ) {
            blogTags.add(tags.draw(random));
        }
        return new BlogText(title, body.toString(), List.copyOf(blogTags));
    }

    private String words(SplittableRandom random, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(words.draw(random));
        }
        return text.toString();
    }

    /**
     * Distinct pronounceable words of one to three syllables, in random order of frequency; none is an English stop
     * word, which the indexer's analyzer would drop.
     */
    private static List<String> madeUpWords(int count, SplittableRandom random) {
        Set<String> made = new LinkedHashSet<>();
        while (made.size() < count) {
            StringBuilder word = new StringBuilder();
            int syllables = 1 + random.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                word.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())))
                        .append(VOWELS.charAt(random.nextInt(VOWELS.length())));
                if (random.nextInt(10) < 3) {
                    word.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
                }
            }
            if (!EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.contains(word.toString())) {
                made.add(word.toString());
            }
        }
        return new ArrayList<>(made);
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}

package dev.outbox.bench.analytics;

import dev.outbox.bench.kafka.BlogEventStream;
import dev.outbox.bench.kafka.BlogText;

import java.util.List;
import java.util.SplittableRandom;

/** The analytics benchmark's blog text: ~1.3 KB of prose from a few dozen words, which the consumer never reads. */
final class AnalyticsTexts implements BlogText.Source {

    private static final String[] WORDS = ("analytics counts every blog an author publishes from the events the relay "
            + "copies out of the outbox so a reader of the profile page sees a total that trails the truth by "
            + "moments and never counts a redelivered event twice").split(" ");
    private static final int BODY_CHARACTERS = 1_300;

    private final SplittableRandom prose = new SplittableRandom(7);

    @Override
    public BlogText of(BlogEventStream.Event event) {
        String title = "Notes on " + word() + ' ' + event.blogId();
        StringBuilder body = new StringBuilder(BODY_CHARACTERS + 16);
        while (body.length() < BODY_CHARACTERS) {
            body.append(word()).append(' ');
        }
        body.setLength(body.length() - 1);
        return new BlogText(title, body.toString(), List.of("kafka", word()));
    }

    private String word() {
        return WORDS[prose.nextInt(WORDS.length)];
    }
}

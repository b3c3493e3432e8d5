package dev.outbox.bench.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fixed pool of blog drafts with ~1.5 KB of prose each, generated from a seed so every run sends the same; the
 * pipeline benchmark publishes them too.
 */
public final class BlogDrafts {

    /** One draft, as POST /blogs takes it; {@code json} is the ready-to-send request body. */
    public record Draft(String title, String body, List<String> tags, String json) {
    }

    private static final String[] WORDS = ("outbox event stream postgres kafka commit transaction latency replica "
            + "consumer partition ordering durable write ahead log relay schema version author publish index search "
            + "counter backpressure throughput batch retry idempotent key offset snapshot vacuum checkpoint the a of "
            + "to and in is that for it with as on be at by this we our not but are from have").split(" ");
    private static final String[] TAGS = {"postgres", "kafka", "outbox", "cdc", "java", "quarkus", "databases",
            "events", "performance", "architecture"};
    private static final int POOL_SIZE = 256;
    private static final int BODY_CHARS = 1500;

    private final List<Draft> drafts;

    private BlogDrafts(List<Draft> drafts) {
        this.drafts = drafts;
    }

    public static BlogDrafts generate(Json json) {
        Random random = new Random(42);
        List<Draft> drafts = new ArrayList<>(POOL_SIZE);
        for (int i = 0; i < POOL_SIZE; i++) {
            String title = capitalised(words(random, 4 + random.nextInt(5))) + " (" + i + ")";
            String body = prose(random);
            List<String> tags = List.of(TAGS[random.nextInt(TAGS.length)], TAGS[random.nextInt(TAGS.length)] + "-" + i % 7);
            drafts.add(new Draft(title, body, tags, json.write(new PublishRequest(title, body, tags))));
        }
        return new BlogDrafts(drafts);
    }

    public Draft pick(Random random) {
        return drafts.get(random.nextInt(drafts.size()));
    }

    record PublishRequest(String title, String body, List<String> tags) {
    }

    private static String prose(Random random) {
        StringBuilder body = new StringBuilder(BODY_CHARS + 200);
        while (body.length() < BODY_CHARS) {
            body.append(capitalised(words(random, 8 + random.nextInt(12)))).append(random.nextInt(6) == 0 ? ".\n\n" : ". ");
        }
        return body.toString().strip();
    }

    private static String words(Random random, int count) {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < count; i++) {
            words.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return words.toString();
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}

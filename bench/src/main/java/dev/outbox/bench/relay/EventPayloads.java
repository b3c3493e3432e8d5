package dev.outbox.bench.relay;

import java.util.SplittableRandom;
import java.util.UUID;

/** BlogPublished-shaped jsonb payloads of about 1.5 KB, mostly prose, as blog-app's outbox holds them. */
final class EventPayloads {

    private static final String[] WORDS = ("the outbox relay reads each committed event from the write ahead log "
            + "and hands it to kafka where readers of the topic see it in order per author while the database "
            + "keeps nothing but a slot position so a crash costs at most one batch of duplicates").split(" ");
    private static final int BODY_CHARACTERS = 1_300;

    private EventPayloads() {
    }

    static String blogPublished(UUID eventId, String authorId, long blogId, SplittableRandom random) {
        StringBuilder body = new StringBuilder(BODY_CHARACTERS + 16);
        while (body.length() < BODY_CHARACTERS) {
            body.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return "{\"event_id\": \"" + eventId + "\", \"event_type\": \"BlogPublished\", \"blog_id\": " + blogId
                + ", \"author_id\": " + authorId + ", \"title\": \"Notes on " + WORDS[random.nextInt(WORDS.length)]
                + " number " + blogId + "\", \"body\": \"" + body.toString().trim()
                + "\", \"tags\": [\"outbox\", \"kafka\"], \"published_at\": \"2026-11-24T00:00:00Z\"}";
    }
}

package dev.outbox.blog.outbox;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids are UUIDv7 (RFC 9562): time-ordered, so the consumers' processed-event indexes grow at
 * their right edge instead of splitting random B-tree pages.
 */
public final class EventIds {

    private EventIds() {
    }

    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    static UUID at(long unixMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long mostSignificant = (unixMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long leastSignificant = 0x8000_0000_0000_0000L | (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL);
        return new UUID(mostSignificant, leastSignificant);
    }
}

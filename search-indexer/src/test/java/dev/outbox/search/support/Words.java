package dev.outbox.search.support;

import java.util.UUID;

/** Words no other test uses, so tests sharing one index cannot see each other's blogs. */
public final class Words {

    private Words() {
    }

    public static String unique() {
        return "w" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}

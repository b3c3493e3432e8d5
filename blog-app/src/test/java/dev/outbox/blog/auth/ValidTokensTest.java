package dev.outbox.blog.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ValidTokensTest {

    private static final byte[] HASH = {1, 2, 3, 4};
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void remembersAValidTokenForTheTtlFromItsLookupEvenWhileItIsInUse() {
        ValidTokens tokens = new ValidTokens(Duration.ofSeconds(30), 100, nanos::get);
        tokens.remember(HASH, 7);

        advance(Duration.ofSeconds(20));
        assertThat(tokens.userOf(HASH)).contains(7L);
        assertThat(tokens.userOf(new byte[] {1, 2, 3, 4})).as("an equal hash, not the same array").contains(7L);

        advance(Duration.ofSeconds(11));
        assertThat(tokens.userOf(HASH)).as("a hit 20 s in did not extend it: looked up again after 30 s").isEmpty();
    }

    @Test
    void aZeroTtlRemembersNothing() {
        ValidTokens tokens = new ValidTokens(Duration.ZERO, 100, nanos::get);
        tokens.remember(HASH, 7);
        assertThat(tokens.userOf(HASH)).isEmpty();
    }

    @Test
    void aHashChangedByItsCallerAfterwardsIsNotTheKey() {
        ValidTokens tokens = new ValidTokens(Duration.ofSeconds(30), 100, nanos::get);
        byte[] hash = HASH.clone();
        tokens.remember(hash, 7);
        hash[0] = 9;
        assertThat(tokens.userOf(HASH)).contains(7L);
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}

package dev.outbox.blog.ratelimit;

import dev.outbox.service.problem.ProblemException;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RateLimitsTest {

    private static final String TOKEN = "Bearer obx_known";
    private static final String ADDRESS = "192.0.2.1";

    /** Every limit at the given rate and burst, keys capped at {@code maxKeys}. */
    private static RateLimitSettings settings(boolean enabled, double rate, int burst, int maxKeys) {
        return new RateLimitSettings() {
            public boolean enabled() { return enabled; }
            public double writesPerSecond() { return rate; }
            public int writesBurst() { return burst; }
            public double signupsPerMinute() { return rate * 60; }
            public int signupsBurst() { return burst; }
            public double unknownTokensPerMinute() { return rate * 60; }
            public int unknownTokensBurst() { return burst; }
            public int maxTrackedKeys() { return maxKeys; }
        };
    }

    @Test
    void retryAfterIsTheRefillWaitRoundedUpToWholeSeconds() {
        RateLimits limits = new RateLimits(settings(true, 0.25, 1, 100), TimeMeter.SYSTEM_NANOTIME);
        limits.admitSignUp(ADDRESS);

        ProblemException refused = catchThrowableOfType(ProblemException.class, () -> limits.admitSignUp(ADDRESS));

        assertThat(refused.problem().status()).isEqualTo(429);
        assertThat(refused.problem().type()).isEqualTo("/problems/rate-limited");
        assertThat(refused.headers()).containsEntry("Retry-After", "4");
    }

    @Test
    void aProvenTokenSpendsItsOwnBucketAndRefusedTokensTheirAddresses() {
        RateLimits limits = new RateLimits(settings(true, 0.001, 2, 100), TimeMeter.SYSTEM_NANOTIME);
        assertThat(limits.admitWrite(TOKEN, ADDRESS)).as("unknown until looked up").isTrue();
        limits.tokenProven(TOKEN); // the proven write is the token's first
        assertThat(limits.admitWrite(TOKEN, ADDRESS)).isFalse();
        assertThatThrownBy(() -> limits.admitWrite(TOKEN, ADDRESS)).isInstanceOf(ProblemException.class);

        limits.tokenRefused(ADDRESS);
        limits.tokenRefused(ADDRESS);
        assertThatThrownBy(() -> limits.admitWrite("Bearer obx_guess", ADDRESS))
                .isInstanceOf(ProblemException.class);
        assertThat(limits.admitWrite("Bearer obx_guess", "192.0.2.2")).as("another address").isTrue();
    }

    @Test
    void aRateOfZeroTurnsThatLimitOffWhileTheOthersStillCount() {
        RateLimits limits = new RateLimits(new RateLimitSettings() {
            public boolean enabled() { return true; }
            public double writesPerSecond() { return 0; }
            public int writesBurst() { return 0; }
            public double signupsPerMinute() { return 0; }
            public int signupsBurst() { return 0; }
            public double unknownTokensPerMinute() { return 0.001; }
            public int unknownTokensBurst() { return 1; }
            public int maxTrackedKeys() { return 100; }
        }, TimeMeter.SYSTEM_NANOTIME);
        limits.admitWrite(TOKEN, ADDRESS);
        limits.tokenProven(TOKEN);
        limits.tokenRefused(ADDRESS);

        assertThatCode(() -> {
            for (int i = 0; i < 1_000; i++) {
                limits.admitWrite(TOKEN, ADDRESS);
                limits.admitSignUp(ADDRESS);
            }
        }).as("a proven token is still told apart from unknown ones").doesNotThrowAnyException();
        assertThatThrownBy(() -> limits.admitWrite("Bearer obx_guess", ADDRESS)).isInstanceOf(ProblemException.class);
    }

    @Test
    void disabledLetsEverythingThrough() {
        RateLimits limits = new RateLimits(settings(false, 0.001, 1, 100), TimeMeter.SYSTEM_NANOTIME);
        assertThatCode(() -> {
            for (int i = 0; i < 100; i++) {
                limits.admitWrite("Bearer obx_guess", ADDRESS);
                limits.admitSignUp(ADDRESS);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void aFloodOfNewAddressesKeepsAtMostMaxTrackedKeys() {
        RateLimits limits = new RateLimits(settings(true, 1, 10, 100), TimeMeter.SYSTEM_NANOTIME);
        for (int i = 0; i < 20_000; i++) {
            limits.admitSignUp("10.0." + (i / 256) + "." + (i % 256));
        }
        assertThat(limits.signups.trackedKeys()).isLessThanOrEqualTo(100);
    }

    @Test
    void aBadSettingFailsTheStartNamingIt() {
        assertThatThrownBy(() -> new RateLimits(settings(true, -1, 10, 100), TimeMeter.SYSTEM_NANOTIME))
                .hasMessageContaining("blog.rate-limits.writes-per-second");
        assertThatThrownBy(() -> new RateLimits(settings(true, 1, 0, 100), TimeMeter.SYSTEM_NANOTIME))
                .hasMessageContaining("blog.rate-limits.writes-burst");
        assertThatThrownBy(() -> new RateLimits(settings(true, 1, 10, 0), TimeMeter.SYSTEM_NANOTIME))
                .hasMessageContaining("max-tracked-keys");
    }
}

package dev.outbox.blog.ratelimit;

import io.github.bucket4j.TimeMeter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The clock token buckets refill by: the monotonic system clock, so a wall-clock jump neither fills nor drains them. */
public class RateLimitClock {

    @Produces
    @Singleton
    TimeMeter clock() {
        return TimeMeter.SYSTEM_NANOTIME;
    }
}

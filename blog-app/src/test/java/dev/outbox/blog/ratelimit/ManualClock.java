package dev.outbox.blog.ratelimit;

import io.github.bucket4j.TimeMeter;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A bucket clock that stands still until a test advances it: a refill is proven without waiting for it. */
@Alternative // enabled only by the profiles that ask for it
@Singleton
public class ManualClock implements TimeMeter {

    private final AtomicLong nanos = new AtomicLong();

    public void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}

package dev.outbox.bench.relay;

import dev.outbox.bench.database.DatabaseLogin;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Writer threads, each with its own connection, writing outbox events at a fixed rate or as fast as they can. */
final class OutboxLoad {

    private final DatabaseLogin login;
    private final boolean traced;

    OutboxLoad(DatabaseLogin login, boolean traced) {
        this.login = login;
        this.traced = traced;
    }

    /**
     * Open loop: event i is due at {@code start + i / rate}, whoever writes it, so a slow commit delays later events
     * only until a writer is free again instead of lowering the rate. Returns every event written.
     */
    List<OutboxWriter.Written> paced(int writers, int perSecond, Duration duration) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        double nanosPerEvent = 1e9 / perSecond;
        AtomicLong next = new AtomicLong();
        return run(writers, () -> {
            long due = start + (long) (next.getAndIncrement() * nanosPerEvent);
            if (due >= end) {
                return false;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            return true;
        });
    }

    /** Writes {@code count} events as fast as {@code writers} connections can. */
    List<OutboxWriter.Written> burst(int writers, int count) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        return run(writers, () -> next.getAndIncrement() < count);
    }

    private List<OutboxWriter.Written> run(int writers, BooleanSupplier proceed) throws InterruptedException {
        ConcurrentLinkedQueue<OutboxWriter.Written> written = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Exception> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                try (OutboxWriter connection = new OutboxWriter(login, writer, traced)) {
                    while (proceed.getAsBoolean()) {
                        written.add(connection.write());
                    }
                } catch (SQLException | RuntimeException e) {
                    failures.add(e);
                }
            }, "outbox-writer-" + w);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("An outbox writer failed", failures.peek());
        }
        return List.copyOf(written);
    }
}

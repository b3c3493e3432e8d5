package dev.outbox.consumer;

import net.jpountz.lz4.LZ4Factory;

/**
 * Makes the Kafka clients' lz4 use lz4-java's native library: the relay's producer compressing, every member's
 * consumer decompressing. lz4-java loads it on its own only when it was itself loaded by the system class loader;
 * under Quarkus' class loader it falls back to its pure-Java codec, which led the relay's sending thread's profile
 * in a backlog drain (docs/benchmarks.md, "Relay profile"). Once the native library is loaded, Kafka's
 * {@code LZ4Factory.fastestInstance()} returns the native factory. Kafka's consumer asks it once per process, for its
 * first lz4 batch, so this runs before a process creates its first Kafka client.
 */
public final class NativeLz4 {

    private NativeLz4() {
    }

    /** Loads the native library if it can and tells which lz4 implementation Kafka's compression now uses. */
    public static String load() {
        try {
            LZ4Factory.nativeInstance();
        } catch (Throwable unavailable) {
            // No library for this platform, or one already loaded by another class loader (dev mode restarts): Kafka
            // keeps the Java implementation, slower but the same bytes.
        }
        return LZ4Factory.fastestInstance().toString();
    }
}

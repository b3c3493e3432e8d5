package dev.outbox.relay.engine;

import net.jpountz.lz4.LZ4Factory;

/**
 * Makes the producer's lz4 compression use lz4-java's native library. lz4-java loads it on its own only when it was
 * itself loaded by the system class loader; under Quarkus' class loader it falls back to its pure-Java compressor,
 * which took a quarter of the sending thread in a backlog drain (docs/benchmarks.md, "Relay profile"). Once the native
 * library is loaded, Kafka's {@code LZ4Factory.fastestInstance()} returns the native factory.
 */
final class NativeLz4 {

    private NativeLz4() {
    }

    /** Loads the native library if it can and tells which lz4 implementation Kafka's compression now uses. */
    static String load() {
        try {
            LZ4Factory.nativeInstance();
        } catch (Throwable unavailable) {
            // No library for this platform, or one already loaded by another class loader (dev mode restarts): Kafka
            // keeps the Java implementation, slower but the same bytes.
        }
        return LZ4Factory.fastestInstance().toString();
    }
}

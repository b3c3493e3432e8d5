package dev.outbox.consumer;

import net.jpountz.lz4.LZ4Factory;
import org.apache.kafka.common.compress.Lz4BlockInputStream;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs lz4-java, Kafka's lz4 streams and {@link NativeLz4} in a class loader of their own, as the packaged services
 * do under Quarkus' class loader: there, lz4-java on its own gives Kafka its Java codec.
 */
class NativeLz4Test {

    @Test
    void kafkasLz4IsTheNativeOneOnceLoaded() throws Exception {
        try (URLClassLoader app = new URLClassLoader(new URL[]{location(LZ4Factory.class), location(NativeLz4.class),
                location(Lz4BlockInputStream.class)}, ClassLoader.getPlatformClassLoader())) {
            assertThat(fastestLz4(app)).isEqualTo("LZ4Factory:JavaSafe");

            Object loaded = app.loadClass(NativeLz4.class.getName()).getMethod("load").invoke(null);

            assertThat(loaded).isEqualTo("LZ4Factory:JNI");
            assertThat(fastestLz4(app)).as("what the relay's producer compresses with").isEqualTo("LZ4Factory:JNI");
            assertThat(consumersDecompressor(app)).as("what a consumer decompresses with")
                    .isEqualTo("net.jpountz.lz4.LZ4JNISafeDecompressor");
        }
    }

    /** What Kafka's {@code Lz4BlockOutputStream} asks lz4-java for. */
    private static String fastestLz4(ClassLoader loader) throws Exception {
        return loader.loadClass(LZ4Factory.class.getName()).getMethod("fastestInstance").invoke(null).toString();
    }

    /** The decompressor Kafka's {@code Lz4BlockInputStream} takes from lz4-java when first used, for the process. */
    private static String consumersDecompressor(ClassLoader loader) throws Exception {
        Field decompressor = Class.forName(Lz4BlockInputStream.class.getName(), true, loader)
                .getDeclaredField("DECOMPRESSOR");
        decompressor.setAccessible(true);
        return decompressor.get(null).getClass().getName();
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}

package dev.outbox.relay.engine;

import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs lz4-java and {@link NativeLz4} in a class loader of their own, as the packaged relay does under Quarkus' class
 * loader: there, lz4-java on its own gives Kafka its Java compressor.
 */
class NativeLz4Test {

    @Test
    void kafkasFastestLz4IsTheNativeOneOnceLoaded() throws Exception {
        try (URLClassLoader app = new URLClassLoader(new URL[]{location(LZ4Factory.class), location(NativeLz4.class)},
                ClassLoader.getPlatformClassLoader())) {
            assertThat(fastestLz4(app)).isEqualTo("LZ4Factory:JavaSafe");

            Method load = app.loadClass(NativeLz4.class.getName()).getDeclaredMethod("load");
            load.setAccessible(true); // package-private, and in another class loader's package
            Object loaded = load.invoke(null);

            assertThat(loaded).isEqualTo("LZ4Factory:JNI");
            assertThat(fastestLz4(app)).isEqualTo("LZ4Factory:JNI");
        }
    }

    /** What Kafka's {@code Lz4BlockOutputStream} asks lz4-java for. */
    private static String fastestLz4(ClassLoader loader) throws Exception {
        return loader.loadClass(LZ4Factory.class.getName()).getMethod("fastestInstance").invoke(null).toString();
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}

package dev.outbox.testsupport;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.embedded.opensearch.OpenSearchServer;
import dev.outbox.embedded.postgres.PostgresServer;


/**
 * One PostgreSQL, one Kafka and one OpenSearch per test JVM, started on first use (each on its own, so they can start
 * at once) and closed when the JVM exits, so a module pays their start-up once however many test classes use them. A
 * test that stops or kills one must start it again.
 * <p>
 * Quarkus loads this module again in a class loader of its own for every application it starts in a test JVM, which
 * would give each its own servers. So the servers are owned by this class as the system class loader has it, and a
 * copy in another class loader hands out proxies to those: the interfaces' abstract methods are forwarded (their
 * signatures use JDK types only, which both sides share), their default methods run on the proxy.
 */
public final class SharedInfrastructure {

    private static final Shared<PostgresServer> POSTGRES = new Shared<>(() -> Infrastructure.selected().startPostgres());
    private static final Shared<KafkaServer> KAFKA = new Shared<>(() -> Infrastructure.selected().startKafka());
    private static final Shared<OpenSearchServer> OPENSEARCH =
            new Shared<>(() -> Infrastructure.selected().startOpenSearch());

    private SharedInfrastructure() {
    }

    public static PostgresServer postgres() {
        return jvmWide(PostgresServer.class, "postgres", POSTGRES);
    }

    public static KafkaServer kafka() {
        return jvmWide(KafkaServer.class, "kafka", KAFKA);
    }

    public static OpenSearchServer openSearch() {
        return jvmWide(OpenSearchServer.class, "openSearch", OPENSEARCH);
    }

    private static <T extends AutoCloseable> T jvmWide(Class<T> type, String accessor, Shared<T> local) {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (SharedInfrastructure.class.getClassLoader() == system) {
            return local.get();
        }
        Class<?> owner;
        try {
            owner = Class.forName(SharedInfrastructure.class.getName(), true, system);
        } catch (ClassNotFoundException e) {
            return local.get(); // this module is not on the system class path: this copy is the only one
        }
        try {
            Object server = invokeIn(system, owner.getMethod(accessor), null);
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new Forwarder(server)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("Cannot reach the shared " + accessor + " server", e);
        }
    }

    /**
     * Calls {@code method} with {@code loader} as the thread's context class loader, as the Kafka clients (and the JDBC
     * driver lookup) load classes through it and would otherwise mix the two copies' classes.
     */
    private static Object invokeIn(ClassLoader loader, Method method, Object target, Object... args) throws Throwable {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private record Forwarder(Object target) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            Method forwarded = target.getClass().getMethod(method.getName(), method.getParameterTypes());
            Object result = invokeIn(target.getClass().getClassLoader(), forwarded, target, args);
            return result == target ? proxy : result;
        }
    }

    private static final class Shared<T extends AutoCloseable> {

        private final Supplier<T> starter;
        private T server;

        Shared(Supplier<T> starter) {
            this.starter = starter;
        }

        synchronized T get() {
            if (server == null) {
                T started = starter.get();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> close(started), "close-" + started.getClass().getSimpleName()));
                server = started;
            }
            return server;
        }

        private static void close(AutoCloseable server) {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException("Cannot close " + server, e);
            }
        }
    }
}

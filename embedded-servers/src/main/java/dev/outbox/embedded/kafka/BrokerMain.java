package dev.outbox.embedded.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the broker's JVM: runs {@code kafka.Kafka} and exits when its standard input reaches end-of-file,
 * which happens when {@link EmbeddedKafkaBroker} stops it or the JVM that started it dies.
 */
public final class BrokerMain {

    /** How long Kafka's own shutdown hook may take before the JVM is halted. */
    private static final long SHUTDOWN_GRACE_MILLIS = 20_000;

    private BrokerMain() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(BrokerMain::exitAtEndOfInput, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(args);
    }

    private static void exitAtEndOfInput() {
        drain(System.in);
        Thread exit = new Thread(() -> System.exit(0), "orderly-exit");
        exit.setDaemon(true);
        exit.start();
        try {
            exit.join(SHUTDOWN_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(1);
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Nothing is ever written: reading only waits for the parent to close the pipe.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file: the parent is gone.
        }
    }
}

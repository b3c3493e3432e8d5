package dev.outbox.consumer;

/** An event that can never be applied, however often it is retried: it belongs in the dead-letter topic. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String reason) {
        super(reason);
    }

    public PoisonEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

package dev.outbox.bench.publish;

/** One closed-loop client: publishes one blog per call and holds whatever it needs (a connection) until closed. */
interface Publisher extends AutoCloseable {

    /** Publishes once; throws if the publish was refused (a non-201 answer, a failed transaction). */
    void publishOnce() throws Exception;

    /** Opens the publisher of client {@code index}. */
    @FunctionalInterface
    interface Factory {
        Publisher open(int index) throws Exception;
    }
}

package dev.outbox.bench.load;

/** One closed-loop client: sends one request per call and holds whatever it needs (a connection) until closed. */
public interface LoadClient extends AutoCloseable {

    /** Sends one request and returns its kind, the latency's row in the report; throws if it was refused. */
    String send() throws Exception;

    /** Clients that share their connections have nothing of their own to release. */
    @Override
    default void close() throws Exception {
    }

    /** Opens the client of index {@code index}. */
    @FunctionalInterface
    interface Factory {
        LoadClient open(int index) throws Exception;
    }
}

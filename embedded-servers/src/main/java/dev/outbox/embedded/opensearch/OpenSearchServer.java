package dev.outbox.embedded.opensearch;

/** A running single-node OpenSearch cluster, plain HTTP without security, that tests can stop and start again. */
public interface OpenSearchServer extends AutoCloseable {

    /** The base URL of its REST API, like {@code http://127.0.0.1:21234}. */
    String url();

    /** Stops the node in an orderly way; {@link #start()} brings it back with its data. */
    void stop();

    /** Starts the node (again) and returns once its cluster health is at least yellow. */
    OpenSearchServer start();

    boolean isRunning();

    /** Stops the node and deletes its data. */
    @Override
    void close();
}

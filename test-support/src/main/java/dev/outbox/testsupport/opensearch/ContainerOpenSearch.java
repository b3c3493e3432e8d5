package dev.outbox.testsupport.opensearch;

import org.opensearch.testcontainers.OpensearchContainer;
import org.testcontainers.utility.DockerImageName;

import dev.outbox.embedded.opensearch.OpenSearchServer;
import dev.outbox.testsupport.containers.PausableContainer;

/**
 * {@link OpenSearchServer} on Testcontainers, for machines with a Docker engine: the image docker-compose pins, at the
 * version the embedded node runs (module {@code opensearch-node}), security off as there. Stopping pauses the
 * container (see {@link PausableContainer}): a stopped node then hangs rather than refuses, which the clients' request
 * timeouts cover.
 */
public final class ContainerOpenSearch implements OpenSearchServer {

    private static final DockerImageName IMAGE = DockerImageName.parse("opensearchproject/opensearch:2.19.1");

    private final OpensearchContainer<?> container = new OpensearchContainer<>(IMAGE)
            .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m");
    private final PausableContainer lifecycle = new PausableContainer(container);

    @Override
    public ContainerOpenSearch start() {
        lifecycle.start();
        return this;
    }

    @Override
    public void stop() {
        lifecycle.pause();
    }

    @Override
    public boolean isRunning() {
        return lifecycle.isRunning();
    }

    @Override
    public void close() {
        lifecycle.close();
    }

    @Override
    public String url() {
        return container.getHttpHostAddress();
    }
}

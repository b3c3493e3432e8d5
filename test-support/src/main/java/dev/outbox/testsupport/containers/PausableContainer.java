package dev.outbox.testsupport.containers;

import org.testcontainers.containers.GenericContainer;

/**
 * A Testcontainers container whose server tests can take away and bring back on the same host port: pausing stands in
 * for stopping, because a container started again would publish new random host ports.
 */
public final class PausableContainer implements AutoCloseable {

    private final GenericContainer<?> container;
    private boolean paused;

    public PausableContainer(GenericContainer<?> container) {
        this.container = container;
    }

    public synchronized void start() {
        if (!container.isRunning()) {
            container.start();
        } else if (paused) {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
            paused = false;
        }
    }

    public synchronized void pause() {
        if (container.isRunning() && !paused) {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
            paused = true;
        }
    }

    public synchronized boolean isRunning() {
        return container.isRunning() && !paused;
    }

    @Override
    public synchronized void close() {
        container.stop();
        paused = false;
    }
}

package dev.outbox.bench.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * blog-app as a separate JVM ({@code java -jar quarkus-run.jar}), configured through its environment variables and
 * logging to a file. It is stopped on {@link #close()} and, should this JVM be interrupted (Ctrl-C), by a shutdown
 * hook, so no run leaves it behind.
 */
final class BlogAppProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Process process;
    private final Path log;
    private final Thread stopOnExit;

    private BlogAppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.stopOnExit = new Thread(this::stop, "stop-blog-app");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    static BlogAppProcess start(Path jar, List<String> jvmOptions, Map<String, String> environment, Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package blog-app first (bench/publish.sh does)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().putAll(environment);
        try {
            return new BlogAppProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start blog-app", e);
        }
    }

    /** Waits until {@code ready} holds; fails with the log's end if blog-app exits or the deadline passes. */
    void awaitReady(BooleanSupplier ready, Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("blog-app exited with " + process.exitValue() + "\n" + logTail());
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("blog-app was not ready within " + deadline + "\n" + logTail());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run stop() itself.
        }
    }

    /** SIGTERM lets Quarkus close its pool cleanly; SIGKILL to the whole tree if it has not exited in time. */
    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- end of " + log + " ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e + ")";
        }
    }
}

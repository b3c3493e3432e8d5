package dev.outbox.embedded.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A server process started by a fixture and tied to this JVM by its standard input: the fixture holds the pipe open
 * while the server should run, and the child stops when it reads end-of-file. Closing the pipe is how {@link #stop}
 * asks it to stop, and the kernel closes it when this JVM dies, even by {@code kill -9}, so no server outlives the
 * test run that started it. Output and errors are appended to a log file.
 */
public final class ChildProcess {

    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 16 * 1024;
    private static final Duration KILL_DEADLINE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path log;
    private final long logStart;

    private ChildProcess(String name, Process process, Path log, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Starts {@code command} with its output appended to {@code log}; the child must stop at end-of-file on stdin. */
    public static ChildProcess start(String name, List<String> command, Path log) {
        return start(name, command, Map.of(), log);
    }

    /** As {@link #start(String, List, Path)}, with {@code environment} added to this process's. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path log) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            long logStart = logLength(log);
            return new ChildProcess(name, builder.start(), log, logStart);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
        }
    }

    /**
     * Runs a short-lived command (no stdin watch: it ends by itself) with its output appended to {@code log}, and
     * fails with the end of that log unless it exits with 0 within {@code deadline}.
     */
    public static void run(String name, List<String> command, Path log, Duration deadline) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        ChildProcess child;
        try {
            child = new ChildProcess(name, builder.start(), log, logLength(log));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
        }
        if (!awaitExit(child.process.toHandle(), deadline)) {
            child.kill();
            throw child.failure(name + " did not finish within " + deadline, null);
        }
        if (child.process.exitValue() != 0) {
            throw child.failure(name + " failed with exit code " + child.process.exitValue(), null);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status once the process has ended; empty while it runs. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, as Ctrl-C or an orchestrator sends it; does not wait. */
    public void terminate() {
        process.destroy();
    }

    /** Waits up to {@code deadline} for the process to end; its exit status, or empty while it still runs. */
    public OptionalInt awaitExit(Duration deadline) {
        awaitExit(process.toHandle(), deadline);
        return exitCode();
    }

    /** The process and all its descendants, as they are now. */
    public List<ProcessHandle> processTree() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    }

    /** Closes the child's stdin and waits for it to exit; kills the whole process tree if it has not within {@code grace}. */
    public void stop(Duration grace) {
        closeStdin();
        if (!awaitExit(process.toHandle(), grace)) {
            kill();
        }
    }

    /** Kills the process and every descendant at once (SIGKILL), as a crash would, and waits until they are gone. */
    public void kill() {
        List<ProcessHandle> tree = processTree();
        tree.forEach(ProcessHandle::destroyForcibly);
        closeStdin();
        for (ProcessHandle handle : tree) {
            if (!awaitExit(handle, KILL_DEADLINE)) {
                throw new IllegalStateException(name + " process " + handle.pid() + " survived SIGKILL for " + KILL_DEADLINE);
            }
        }
    }

    /**
     * SIGSTOP to the process and every descendant: the tree stays alive, holds its connections and its JIT-compiled
     * code, and runs nothing until {@link #resume}, as a JVM in a long pause would.
     */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT to the tree {@link #pause} stopped. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        List<String> command = Stream.concat(Stream.of("kill", "-" + signal),
                processTree().stream().map(handle -> Long.toString(handle.pid()))).toList();
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!kill.waitFor(KILL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("Cannot send SIG" + signal + " to " + name + ": "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot send SIG" + signal + " to " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted sending SIG" + signal + " to " + name, e);
        }
    }

    /** An exception about this process that carries the end of its log. */
    public IllegalStateException failure(String message, Throwable cause) {
        return new IllegalStateException(message + "\n--- last lines of " + log + " ---\n" + logTail(), cause);
    }

    /** Whether this process (not an earlier one appending to the same log) wrote {@code text}. */
    public boolean wrote(String text) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, file.length() - logStart)];
            file.seek(logStart);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    public String logTail() {
        return tail(log);
    }

    /** The last lines of a log file, or why it cannot be read. */
    public static String tail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static long logLength(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    private void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The child already closed its end: it is exiting anyway.
        }
    }

    private static boolean awaitExit(ProcessHandle handle, Duration deadline) {
        try {
            handle.onExit().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

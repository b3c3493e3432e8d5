package dev.outbox.local;

import dev.outbox.embedded.process.QuarkusAppProcess;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the services as a supervisor would: launches them, waits until each is ready, restarts one that exited (as
 * compose's restart policy does: the relay exits on purpose when its engine fails for good, e.g. Kafka stopped
 * acknowledging), and stops them newest first. Each change to the processes happens under this object's lock, so a
 * fault injected on purpose ({@link Faults}) is never taken for a crash.
 */
final class Supervisor {

    private static final Duration READY_DEADLINE = Duration.ofMinutes(3);
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    private static final int MAX_RESTARTS = 5;
    private static final Duration RESTART_WINDOW = Duration.ofMinutes(5);

    private final LocalSettings settings;
    private final ServicePlan plan;
    private final Infrastructure infrastructure;
    private final PrintStream out;
    /** Service → its current process, in start order; a crashed service is replaced by its restart. */
    private final Map<String, QuarkusAppProcess> running = new LinkedHashMap<>();
    /** Services stopped on purpose: not restarted until {@link #release}. */
    private final Set<String> held = new HashSet<>();
    private final Map<String, Deque<Instant>> restarts = new HashMap<>();
    private boolean stopped;

    Supervisor(LocalSettings settings, ServicePlan plan, Infrastructure infrastructure, PrintStream out) {
        this.settings = settings;
        this.plan = plan;
        this.infrastructure = infrastructure;
        this.out = out;
    }

    /** Launches the services at once, then waits for each to be ready, naming the first that is not. */
    void startTogether(List<Service> services) {
        Map<String, Long> launchedAt = new HashMap<>();
        for (Service service : services) {
            out.printf(Locale.ROOT, "  %-20s starting ...%n", service.name());
            QuarkusAppProcess launched = launch(service, settings.logs().resolve(service.name() + ".log"));
            launchedAt.put(service.name(), System.nanoTime());
            synchronized (this) {
                running.put(service.name(), launched);
            }
        }
        for (Service service : services) {
            QuarkusAppProcess app = process(service.name());
            try {
                app.awaitReady(READY_DEADLINE);
                app.assertAlive();
            } catch (RuntimeException e) {
                throw new IllegalStateException(service.name() + " did not start:\n" + e.getMessage(), e);
            }
            out.printf(Locale.ROOT, "  %-20s ready in %.1f s (log %s)%n", service.name(),
                    (System.nanoTime() - launchedAt.get(service.name())) / 1e9, app.logFile());
        }
    }

    /**
     * Blocks while the pipeline runs, restarting a service that exited. Returns when stopped; throws, naming the
     * part, when a part of the infrastructure died or a service exited {@value #MAX_RESTARTS} times within
     * {@link #RESTART_WINDOW}.
     */
    void watch() {
        while (true) {
            try {
                Thread.sleep(WATCH_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                infrastructure.assertRunning();
                for (String service : List.copyOf(running.keySet())) {
                    QuarkusAppProcess app = running.get(service);
                    if (!held.contains(service) && !app.isAlive()) {
                        restartExited(service, app);
                    }
                }
            }
        }
    }

    /** The current process of a service. */
    synchronized QuarkusAppProcess process(String service) {
        QuarkusAppProcess process = running.get(service);
        if (process == null) {
            throw new IllegalArgumentException("No service " + service + "; there are " + running.keySet());
        }
        return process;
    }

    /** The services running or held, in the order they started. */
    synchronized List<String> services() {
        return List.copyOf(running.keySet());
    }

    /** Ends a service's process with {@code end} and starts it again on the same port, logging to a new file. */
    synchronized QuarkusAppProcess replace(String service, Consumer<QuarkusAppProcess> end) {
        end.accept(process(service));
        return relaunch(service);
    }

    /** Ends a service's process with {@code end} and keeps it down until {@link #release}. */
    synchronized void hold(String service, Consumer<QuarkusAppProcess> end) {
        held.add(service);
        end.accept(process(service));
    }

    /** Starts a service {@linkplain #hold held}; returns without waiting for it to be ready. */
    synchronized QuarkusAppProcess release(String service) {
        if (process(service).isAlive()) {
            throw new IllegalStateException(service + " is running");
        }
        held.remove(service);
        return relaunch(service);
    }

    interface Interruption {
        void run() throws InterruptedException;
    }

    /** Nothing is restarted, and no part counts as dead, until {@code interruption} is over. */
    synchronized void whilePaused(Interruption interruption) throws InterruptedException {
        interruption.run();
    }

    /** Newest first, so no service loses what it depends on while it still runs. */
    synchronized void stop() {
        stopped = true;
        List<QuarkusAppProcess> apps = new ArrayList<>(running.values());
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).stop();
        }
    }

    private void restartExited(String service, QuarkusAppProcess exited) {
        Deque<Instant> recent = restarts.computeIfAbsent(service, s -> new ArrayDeque<>());
        Instant now = Instant.now();
        while (!recent.isEmpty() && recent.peekFirst().isBefore(now.minus(RESTART_WINDOW))) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_RESTARTS) {
            exited.assertAlive();
        }
        recent.addLast(now);
        QuarkusAppProcess restarted = relaunch(service);
        out.printf(Locale.ROOT, "  %-20s exited (status %s); restarted, log %s%n", service,
                exited.exitCode().isPresent() ? Integer.toString(exited.exitCode().getAsInt()) : "?",
                restarted.logFile());
    }

    private QuarkusAppProcess relaunch(String service) {
        QuarkusAppProcess restarted = launch(plan.service(service), settings.logs().resolve(
                service + "-" + System.currentTimeMillis() + ".log"));
        running.put(service, restarted);
        return restarted;
    }

    private QuarkusAppProcess launch(Service service, Path log) {
        return QuarkusAppProcess.launch(service.name(), service.jar(settings.repository()), service.jvmOptions(),
                service.settings(), log, service.port());
    }
}

package dev.outbox.relay.lag;

import dev.outbox.relay.engine.RelayProgress;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The status page's memory: the relay's figures sampled every {@link #INTERVAL} for the last {@link #WINDOW}, whoever
 * looks, so a page opened after an incident draws the incident at once ({@code GET /lag/history}). At most 720
 * samples, each with at most {@value #MAX_GROUPS} consumer groups: bounded memory (a few hundred KB with a handful of
 * groups), lost when the relay restarts. Sampling also keeps {@link ConsumerGroups} read when no page is open, which
 * its gauges and freshness windows need.
 */
@ApplicationScoped
public class StatusHistory {

    private static final Logger LOG = Logger.getLogger(StatusHistory.class);
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration WINDOW = Duration.ofHours(1);
    private static final int CAPACITY = (int) (WINDOW.toMillis() / INTERVAL.toMillis());
    private static final int MAX_GROUPS = 50;

    /** One consumer group at one sample: lag in events, the rest in seconds (null when unknown). */
    public record GroupSample(long lag, Double stalenessSeconds, Double freshnessP50Seconds,
                              Double freshnessP99Seconds) {
    }

    /**
     * The figures at {@code at} (epoch ms): slot lag in bytes (null when Postgres did not answer), seconds behind the
     * database, events relayed per second since the previous sample (null for the first), and the groups by name.
     */
    public record Sample(long at, Long slotLagBytes, double behindSeconds, Double eventsPerSecond,
                         Map<String, GroupSample> groups) {
    }

    /** Oldest sample first. */
    public record History(double intervalSeconds, double windowSeconds, List<Sample> samples) {
    }

    @Inject
    SlotMonitor slots;

    @Inject
    RelayProgress progress;

    @Inject
    ConsumerGroups groups;

    private final Deque<Sample> samples = new ArrayDeque<>();
    private long previousEvents = -1;
    private long previousAt;

    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "status-history");
        thread.setDaemon(true);
        return thread;
    });

    void start(@Observes StartupEvent startup) {
        sampler.scheduleAtFixedRate(() -> {
            try {
                sample(System.currentTimeMillis());
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not sample the relay's figures");
            }
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        sampler.shutdownNow();
    }

    public synchronized History read() {
        return new History(INTERVAL.toMillis() / 1000.0, WINDOW.toMillis() / 1000.0, List.copyOf(samples));
    }

    /** Reads the figures first (Postgres and Kafka may be slow to answer), then holds the ring only to add them. */
    void sample(long now) {
        Map<String, GroupSample> byGroup = new LinkedHashMap<>();
        groups.read().groups().stream().limit(MAX_GROUPS).forEach(group -> byGroup.put(group.group(),
                new GroupSample(group.lag(), group.stalenessSeconds(), group.freshnessP50Seconds(),
                        group.freshnessP99Seconds())));
        Long slotLag = slotLagBytes();
        double behind = progress.millisBehind() / 1000.0;
        long events = progress.eventsRelayed();
        synchronized (this) {
            Double rate = previousEvents < 0 || now <= previousAt ? null
                    : Math.max(0, events - previousEvents) * 1000.0 / (now - previousAt);
            previousEvents = events;
            previousAt = now;
            samples.addLast(new Sample(now, slotLag, behind, rate, byGroup));
            while (samples.size() > CAPACITY || samples.getFirst().at() < now - WINDOW.toMillis()) {
                samples.removeFirst();
            }
        }
    }

    private Long slotLagBytes() {
        try {
            SlotLag slot = slots.read();
            return slot.exists() ? slot.lagBytes() : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }
}

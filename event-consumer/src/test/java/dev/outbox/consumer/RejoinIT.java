package dev.outbox.consumer;

import dev.outbox.embedded.kafka.KafkaServer;
import dev.outbox.embedded.process.ChildProcess;
import dev.outbox.embedded.process.WorkDirectory;
import dev.outbox.testsupport.SharedInfrastructure;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How soon a group member killed with SIGKILL and restarted at once, as {@code ./run-local}'s supervisor and compose's
 * restart policy do, owns partitions again, and how soon every partition has a live owner, for each of Kafka's
 * answers: the classic protocol with static membership ({@code group.instance.id}, what {@code ./run-local} gives
 * every member) and without, and KIP-848's consumer protocol ({@code group.protocol=consumer}) with and without. Two
 * members, each a {@link GroupConsumer} in a JVM of its own ({@link MemberProbe}), share six partitions on the shared
 * broker, which keeps Kafka's defaults for the consumer protocol. A member that exits is started again after a second,
 * as the supervisor would. The default run measures this project's setting and requires the restarted member to take
 * back its own partitions without a rebalance, the other member untouched (issue 17); {@code -Pfaults}
 * ({@code outbox.faults.rejoin=all}) measures all four and prints them side by side (docs/reliability.md).
 */
class RejoinIT {

    private static final int PARTITIONS = 6;
    private static final Set<Integer> ALL = IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet());
    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final Duration SUPERVISOR_DELAY = Duration.ofSeconds(1);

    enum Membership {
        CLASSIC_STATIC("classic", true), CLASSIC_DYNAMIC("classic", false),
        CONSUMER_STATIC("consumer", true), CONSUMER_DYNAMIC("consumer", false);

        final String protocol;
        final boolean instanceIds;

        Membership(String protocol, boolean instanceIds) {
            this.protocol = protocol;
            this.instanceIds = instanceIds;
        }
    }

    /** One kill and what followed; times in ms after the kill. */
    record Episode(Membership membership, long restartedOwns, long jvmStartToOwns, long allOwned, int restarts,
                   boolean survivorMoved, Set<Integer> ownedBeforeTheKill, String restartedAssignments,
                   boolean tookBackItsOwn, String failures) {

        String row() {
            return String.format(Locale.ROOT, "| %s | %s | %,d ms | %,d ms | %,d ms | %d | %s | %s |",
                    membership.protocol, membership.instanceIds ? "static" : "dynamic", restartedOwns, jvmStartToOwns,
                    allOwned, restarts, survivorMoved ? "yes" : "no", failures.isEmpty() ? "–" : failures);
        }
    }

    private final KafkaServer kafka = SharedInfrastructure.kafka();
    private final List<ChildProcess> members = new ArrayList<>();

    @Test
    void aMemberRestartedAfterSigkillOwnsPartitionsAgainAndNoPartitionIsLeftWithoutOwner() {
        String which = System.getProperty("outbox.faults.rejoin", "classic_static");
        List<Membership> measured = which.equals("all") ? List.of(Membership.values())
                : List.of(Membership.valueOf(which.toUpperCase(Locale.ROOT)));
        List<Episode> episodes = new ArrayList<>();
        for (Membership membership : measured) {
            try {
                episodes.add(killAndRestart(membership));
            } finally {
                members.forEach(member -> member.stop(Duration.ofSeconds(10)));
                members.clear();
            }
        }
        System.out.println("| protocol | membership | kill → restarted member owns partitions | its JVM start → owns "
                + "| kill → every partition owned | restarts | survivor's partitions moved | failures |");
        episodes.forEach(episode -> System.out.println(episode.row()));

        for (Episode episode : episodes) {
            if (episode.membership() == Membership.CLASSIC_STATIC) {
                // No rebalance: it took back exactly its own partitions, the other member kept its, and before the
                // crashed member's 10 s session could have expired (1 s here on an idle machine: issue 17's 3 s is
                // recorded in docs/reliability.md, not timed here, as these machines differ by 3x from day to day).
                assertThat(episode.tookBackItsOwn()).as("the restarted member took back its own partitions %s; its "
                        + "assignments: %s", episode.ownedBeforeTheKill(), episode.restartedAssignments()).isTrue();
                assertThat(episode.survivorMoved()).as("the other member's partitions moved").isFalse();
                assertThat(episode.restarts()).as("restarts refused").isZero();
                assertThat(episode.restartedOwns()).as("ms from the kill to owning them again").isLessThan(10_000);
            }
        }
    }

    private Episode killAndRestart(Membership membership) {
        String topic = "rejoin-" + membership.name().toLowerCase(Locale.ROOT) + "-" + System.nanoTime();
        kafka.createTopic(topic, PARTITIONS);
        Path dir = WorkDirectory.newInstanceDirectory("rejoin");
        Probe survivor = new Probe(dir.resolve("a.log"));
        start(survivor, topic, membership, "a");
        Probe victim = new Probe(dir.resolve("b-0.log"));
        ChildProcess killed = start(victim, topic, membership, "b");
        await("both members share the partitions").atMost(DEADLINE).until(() ->
                !survivor.owned().isEmpty() && !victim.owned().isEmpty() && union(survivor.owned(), victim.owned()).equals(ALL));

        Set<Integer> ownedBeforeTheKill = victim.owned();
        killed.kill();
        long killedAt = System.currentTimeMillis();
        int restarts = 0;
        List<String> failures = new ArrayList<>();
        Probe restarted;
        ChildProcess current;
        do {
            sleep(SUPERVISOR_DELAY);
            restarted = new Probe(dir.resolve("b-" + (restarts + 1) + ".log"));
            current = start(restarted, topic, membership, "b");
            restarts++;
            Probe watched = restarted;
            ChildProcess process = current;
            await("the restarted member owns partitions and every partition has an owner, or it exits")
                    .atMost(DEADLINE).until(() -> !process.isAlive()
                            || !watched.owned().isEmpty() && union(survivor.owned(), watched.owned()).equals(ALL));
            restarted.failure().ifPresent(failures::add);
        } while (!current.isAlive() && restarts < 20);
        assertThat(current.isAlive()).as("a restarted member stays up within 20 restarts: " + failures).isTrue();

        long owns = restarted.firstOwned().orElseThrow();
        long allOwned = Math.max(owns, survivor.coveredWith(restarted, killedAt));
        return new Episode(membership, owns - killedAt, owns - restarted.jvmStart(), allOwned - killedAt, restarts - 1,
                survivor.changedAfter(killedAt), ownedBeforeTheKill, restarted.assignments().toString(),
                restarted.firstAssignment().equals(ownedBeforeTheKill),
                failures.stream().distinct().collect(Collectors.joining("; ")));
    }

    private ChildProcess start(Probe probe, String topic, Membership membership, String instance) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                MemberProbe.class.getName(), kafka.bootstrapServers(), topic, topic + "-group",
                membership.instanceIds ? instance : "-", membership.protocol);
        ChildProcess process = ChildProcess.start("member " + instance, command, probe.log);
        members.add(process);
        return process;
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void sleep(Duration pause) {
        try {
            // The supervisor's own pause before a restart: part of what is measured, not a wait for a condition.
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads one probe's log: {@code started}, {@code assigned} and {@code failed} lines. */
    private static final class Probe {

        final Path log;

        Probe(Path log) {
            this.log = log;
        }

        private List<String[]> lines() {
            try {
                return Files.exists(log) ? Files.readAllLines(log).stream().map(line -> line.split(" ", 3)).toList()
                        : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Assignment changes in order: time, partitions. */
        private List<Assignment> assignments() {
            return lines().stream().filter(line -> line[0].equals("assigned") && line.length == 3)
                    .map(line -> new Assignment(Long.parseLong(line[1]), partitions(line[2]))).toList();
        }

        Set<Integer> owned() {
            List<Assignment> all = assignments();
            return all.isEmpty() ? Set.of() : all.get(all.size() - 1).partitions();
        }

        Set<Integer> firstAssignment() {
            return firstNonEmpty().map(Assignment::partitions).orElse(Set.of());
        }

        Optional<Long> firstOwned() {
            return firstNonEmpty().map(Assignment::at);
        }

        private Optional<Assignment> firstNonEmpty() {
            return assignments().stream().filter(a -> !a.partitions().isEmpty()).findFirst();
        }

        long jvmStart() {
            return lines().stream().filter(line -> line[0].equals("started")).map(line -> Long.parseLong(line[1]))
                    .findFirst().orElseThrow();
        }

        Optional<String> failure() {
            return lines().stream().filter(line -> line[0].equals("failed") && line.length == 3)
                    .map(line -> line[2].split(":", 2)[0]).map(name -> name.substring(name.lastIndexOf('.') + 1))
                    .findFirst();
        }

        boolean changedAfter(long at) {
            return assignments().stream().anyMatch(a -> a.at() > at);
        }

        /** The first moment after {@code from} at which this probe and {@code other} together owned every partition. */
        long coveredWith(Probe other, long from) {
            List<Assignment> mine = assignments();
            List<Assignment> theirs = other.assignments();
            List<Long> moments = new ArrayList<>();
            mine.forEach(a -> moments.add(a.at()));
            theirs.forEach(a -> moments.add(a.at()));
            return moments.stream().filter(at -> at >= from).sorted()
                    .filter(at -> union(ownedAt(mine, at), ownedAt(theirs, at)).equals(ALL)).findFirst()
                    .orElseThrow(() -> new AssertionError("never were all partitions owned after the kill"));
        }

        private static Set<Integer> ownedAt(List<Assignment> changes, long at) {
            Set<Integer> owned = Set.of();
            for (Assignment change : changes) {
                if (change.at() <= at) {
                    owned = change.partitions();
                }
            }
            return owned;
        }

        private static Set<Integer> partitions(String text) {
            String inside = text.strip().replaceAll("[\\[\\]]", "");
            return inside.isEmpty() ? Set.of() : Arrays.stream(inside.split(",")).map(String::strip)
                    .map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
        }

        private record Assignment(long at, Set<Integer> partitions) {
        }
    }
}

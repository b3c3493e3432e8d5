package dev.outbox.consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One group member in a JVM of its own, for {@link RejoinIT} to kill: a {@link GroupConsumer} that applies nothing,
 * printing {@code started <JVM start, epoch ms>}, then {@code assigned <epoch ms> <partitions>} each time its partitions
 * change, and {@code failed <epoch ms> <why>} if it stops for good (then it exits with status 3). It exits when its standard input ends, so it never outlives the test.
 * Arguments: bootstrap servers, topic, group id, instance id ({@code -} for none), group protocol.
 */
public final class MemberProbe {

    private MemberProbe() {
    }

    public static void main(String[] args) throws Exception {
        Thread tie = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is ever written: only the end of the pipe matters.
                }
            } catch (IOException e) {
                // The same as its end.
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-tie");
        tie.setDaemon(true);
        tie.start();
        System.out.println("started " + ManagementFactory.getRuntimeMXBean().getStartTime());

        Optional<String> instanceId = args[3].equals("-") ? Optional.empty() : Optional.of(args[3]);
        ConsumerSettings settings = new ConsumerSettings("probe", args[0], args[1], args[1] + ".dlq", args[2],
                instanceId, Duration.ofSeconds(1), Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, args[4]), Map.of());
        GroupConsumer<String> member = new GroupConsumer<>(settings, new Discard(), new SimpleMeterRegistry(),
                OpenTelemetry.noop(), failure -> {
                    System.out.println("failed " + System.currentTimeMillis() + " " + failure);
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                });
        member.start();
        Set<Integer> reported = Set.of();
        while (true) {
            Set<Integer> owned = new TreeSet<>();
            member.assignment().stream().map(TopicPartition::partition).forEach(owned::add);
            if (!owned.equals(reported)) {
                System.out.println("assigned " + System.currentTimeMillis() + " " + owned);
                System.out.flush();
                reported = owned;
            }
            Thread.sleep(10);
        }
    }

    private static final class Discard implements EventHandler<String> {

        @Override
        public String read(ConsumerRecord<byte[], byte[]> record) {
            return new String(record.value(), StandardCharsets.UTF_8);
        }

        @Override
        public Applied apply(List<String> events, Map<TopicPartition, Long> nextOffsets) {
            return Applied.allNew(events.size(), 0);
        }
    }
}

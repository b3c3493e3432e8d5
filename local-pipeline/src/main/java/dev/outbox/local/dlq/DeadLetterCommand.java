package dev.outbox.local.dlq;

import dev.outbox.consumer.deadletter.DeadLetter;
import dev.outbox.consumer.deadletter.DeadLetterTopic;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./run-local dlq list|replay}: the consumer groups' dead letters of the running pipeline, and publishing them
 * again after a fix. A thin front of {@link DeadLetterTopic}, which the relay's {@code /dead-letters} endpoints use too.
 */
public final class DeadLetterCommand {

    private static final String COLUMNS = "%-24s %-10s %-24s %-13s %-36s %-20s %-20s %s%n";

    private DeadLetterCommand() {
    }

    public static void main(String[] args) {
        DeadLetterOptions options;
        try {
            options = DeadLetterOptions.parse(args, Instant.now());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        DeadLetterTopic topic = new DeadLetterTopic(options.bootstrapServers(), options.topic(), Map.of());
        try {
            if (options.action() == DeadLetterOptions.Action.LIST) {
                print(topic.list(options.selection()), System.out);
            } else {
                printReplay(topic.replay(options.selection()), System.out);
            }
            System.exit(0);
        } catch (DeadLetterTopic.Refused e) {
            System.err.println(e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(130);
        } catch (RuntimeException e) {
            System.err.println("Cannot read " + options.topic() + " on " + options.bootstrapServers()
                    + " (is ./run-local running?): " + e.getMessage());
            System.exit(1);
        }
    }

    static void print(List<DeadLetter> deadLetters, PrintStream out) {
        out.printf(Locale.ROOT, COLUMNS, "DEAD LETTER", "GROUP", "DEAD-LETTERED AT", "TYPE", "EVENT ID", "SOURCE",
                "REPLAYED TO", "REASON");
        for (DeadLetter d : deadLetters) {
            out.printf(Locale.ROOT, COLUMNS, d.position(), orDash(d.group()),
                    d.deadLetteredAt().truncatedTo(ChronoUnit.SECONDS), orDash(d.eventType()), orDash(d.eventId()),
                    d.source(), d.replay().map(r -> r.to().toString()).orElse("-"), orDash(d.reason()));
        }
        long waiting = deadLetters.stream().filter(d -> d.replay().isEmpty()).count();
        out.printf(Locale.ROOT, "%d dead letter%s, %d not replayed%n", deadLetters.size(),
                deadLetters.size() == 1 ? "" : "s", waiting);
    }

    static void printReplay(DeadLetterTopic.Replayed outcome, PrintStream out) {
        for (DeadLetter d : outcome.replayed()) {
            out.printf(Locale.ROOT, "replayed %s (%s %s) to %s%n", d.position(), orDash(d.eventType()),
                    orDash(d.eventId()), d.replay().orElseThrow().to());
        }
        for (DeadLetter d : outcome.alreadyReplayed()) {
            out.printf(Locale.ROOT, "left    %s: replayed before, at %s to %s%n", d.position(),
                    d.replay().orElseThrow().at(), d.replay().orElseThrow().to());
        }
        out.printf(Locale.ROOT, "%d replayed, %d replayed before and left alone%n", outcome.replayed().size(),
                outcome.alreadyReplayed().size());
    }

    private static String orDash(String text) {
        return text == null ? "-" : text;
    }
}

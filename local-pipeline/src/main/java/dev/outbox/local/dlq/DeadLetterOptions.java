package dev.outbox.local.dlq;

import dev.outbox.consumer.deadletter.DeadLetterSelection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./run-local dlq list|replay} options, in {@code --name=value} form as the other commands take them: which
 * dead letters ({@code --group}, {@code --event-id}, repeatable or comma-separated, {@code --since}) and where the
 * running pipeline's Kafka is ({@code --kafka-port}, {@code --topic}).
 */
record DeadLetterOptions(Action action, DeadLetterSelection selection, String bootstrapServers, String topic) {

    static final String USAGE = """
            Usage: ./run-local dlq list [--group=analytics] [--event-id=UUID] [--since=30m|2026-12-02T05:00:00Z]
                   ./run-local dlq replay --group=analytics [--event-id=UUID[,UUID…]] [--since=…]
              both: [--kafka-port=19092] [--topic=blog.events.dlq]
              --event-id may be given more than once; --since is an instant or an age (90s, 30m, 2h, 1d).""";

    enum Action { LIST, REPLAY }

    static DeadLetterOptions parse(String[] args, Instant now) {
        if (args.length == 0 || !(args[0].equals("list") || args[0].equals("replay"))) {
            throw new IllegalArgumentException(USAGE);
        }
        Action action = args[0].equals("list") ? Action.LIST : Action.REPLAY;
        Map<String, String> options = new LinkedHashMap<>();
        List<String> eventIds = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("Options take their value after '=', e.g. --group=analytics; not '"
                        + arg + "'\n" + USAGE);
            }
            String name = arg.substring(2, equals);
            String value = arg.substring(equals + 1);
            if (name.equals("event-id")) {
                eventIds.add(value);
            } else {
                options.put(name, value);
            }
        }
        String group = options.remove("group");
        if (action == Action.REPLAY && (group == null || group.isBlank())) {
            throw new IllegalArgumentException("A replay is for one consumer group: give --group\n" + USAGE);
        }
        DeadLetterSelection selection;
        try {
            selection = DeadLetterSelection.parse(group, eventIds, options.remove("since"), now);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
        }
        String kafkaPort = options.remove("kafka-port");
        String topic = options.remove("topic");
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("Unknown options " + options.keySet() + "\n" + USAGE);
        }
        return new DeadLetterOptions(action, selection, "127.0.0.1:" + port(kafkaPort),
                topic == null ? "blog.events.dlq" : topic);
    }

    private static int port(String value) {
        try {
            int port = value == null ? 19092 : Integer.parseInt(value);
            if (port < 1 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--kafka-port must be a port number, not '" + value + "'\n" + USAGE);
        }
    }
}

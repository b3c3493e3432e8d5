package dev.outbox.bench.settings;

import dev.outbox.embedded.postgres.EmbeddedPostgresServer.Durability;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark's {@code --name=value} options ({@code --name} alone means true), else {@code -Dbench.name=value}, else
 * the default. Each read takes its option, so that whatever is left over is reported as unknown.
 */
public final class Flags {

    private static final String PROPERTY_PREFIX = "bench.";

    private final Map<String, String> values = new LinkedHashMap<>();
    private final String usage;

    private Flags(String usage) {
        this.usage = usage;
    }

    public static Flags parse(String[] args, String usage) {
        Flags flags = new Flags(usage);
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw flags.invalid("Unknown argument " + arg);
            }
            int equals = arg.indexOf('=');
            flags.values.put(equals < 0 ? arg.substring(2) : arg.substring(2, equals),
                    equals < 0 ? "true" : arg.substring(equals + 1));
        }
        return flags;
    }

    /** The options whose names start with {@code prefix}, prefix kept, in command-line order. */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> taken = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, String>> options = values.entrySet().iterator(); options.hasNext(); ) {
            Map.Entry<String, String> option = options.next();
            if (option.getKey().startsWith(prefix)) {
                taken.put(option.getKey(), option.getValue());
                options.remove();
            }
        }
        return Collections.unmodifiableMap(taken);
    }

    public String text(String name, String fallback) {
        String flag = values.remove(name);
        return flag != null ? flag : System.getProperty(PROPERTY_PREFIX + name, fallback);
    }

    public boolean isSet(String name) {
        return Boolean.parseBoolean(text(name, "false"));
    }

    public int integer(String name, int fallback) {
        return Integer.parseInt(text(name, Integer.toString(fallback)));
    }

    /** A comma-separated list, e.g. {@code --rates=500,2000}. */
    public List<Integer> integers(String name, List<Integer> fallback) {
        String value = text(name, null);
        return value == null ? fallback
                : Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    /** Whole seconds, with or without a trailing {@code s}. */
    public Duration seconds(String name, Duration fallback) {
        String value = text(name, null);
        if (value == null) {
            return fallback;
        }
        return Duration.ofSeconds(Long.parseLong(value.endsWith("s") ? value.substring(0, value.length() - 1) : value));
    }

    public Durability durability(Durability fallback) {
        String value = text("durability", fallback.name());
        try {
            return Durability.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("durability must be durable or fast, not '" + value + "'");
        }
    }

    /** Call once every option is read. */
    public void rejectUnknown() {
        if (!values.isEmpty()) {
            throw invalid("Unknown options " + values.keySet());
        }
    }

    public IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(problem + "\n" + usage);
    }
}

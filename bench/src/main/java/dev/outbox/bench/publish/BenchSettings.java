package dev.outbox.bench.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.outbox.testsupport.postgres.EmbeddedPostgresServer.Durability;

/** What one benchmark run does, from {@code --name=value} flags, else {@code -Dbench.name=value}, else defaults. */
record BenchSettings(int clients, Duration warmUp, Duration measured, int authors, int poolSize, Durability durability,
                     boolean profile, boolean quick) {

    private static final String PREFIX = "bench.";

    static BenchSettings parse(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unknown argument " + arg + "\n" + usage());
            }
            int equals = arg.indexOf('=');
            flags.put(equals < 0 ? arg.substring(2) : arg.substring(2, equals), equals < 0 ? "true" : arg.substring(equals + 1));
        }
        boolean quick = Boolean.parseBoolean(value(flags, "quick", "false"));
        int clients = Integer.parseInt(value(flags, "clients", "16"));
        BenchSettings settings = new BenchSettings(
                clients,
                seconds(value(flags, "warmup", quick ? "2" : "10")),
                seconds(value(flags, "duration", quick ? "5" : "30")),
                Integer.parseInt(value(flags, "authors", "50")),
                Integer.parseInt(value(flags, "pool-size", Integer.toString(clients))),
                durability(value(flags, "durability", "durable")),
                Boolean.parseBoolean(value(flags, "profile", "false")),
                quick);
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("Unknown flags " + flags.keySet() + "\n" + usage());
        }
        if (settings.clients < 1 || settings.authors < 1 || settings.poolSize < 1) {
            throw new IllegalArgumentException("clients, authors and pool-size must be positive\n" + usage());
        }
        return settings;
    }

    static String usage() {
        return "Flags (or -Dbench.<name>=value): --clients=16 --warmup=10 --duration=30 (seconds) --authors=50 "
                + "--pool-size=<clients> --durability=durable|fast (Postgres fsync and full-page writes on, or off) "
                + "--profile (JFR recording of blog-app) --quick (2 s warm-up, 5 s measured)";
    }

    String describe() {
        return clients + " closed-loop clients, " + warmUp.toSeconds() + " s warm-up + " + measured.toSeconds()
                + " s measured per phase, " + authors + " authors, blog-app DB pool " + poolSize
                + ", Postgres durability " + durability.name().toLowerCase(Locale.ROOT) + " " + durability.settings()
                + (profile ? ", blog-app under JFR" : "") + (quick ? " (quick smoke run)" : "");
    }

    /** Removes the flag it reads, so that whatever is left over is reported as unknown. */
    private static String value(Map<String, String> flags, String name, String fallback) {
        String flag = flags.remove(name);
        return flag != null ? flag : System.getProperty(PREFIX + name, fallback);
    }

    private static Durability durability(String value) {
        try {
            return Durability.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("durability must be durable or fast, not '" + value + "'\n" + usage(), e);
        }
    }

    private static Duration seconds(String value) {
        return Duration.ofSeconds(Long.parseLong(value.endsWith("s") ? value.substring(0, value.length() - 1) : value));
    }
}

package dev.outbox.bench.publish;

import java.time.Duration;
import java.util.Locale;

import dev.outbox.bench.settings.Flags;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer.Durability;

/** What one benchmark run does, from {@code --name=value} flags, else {@code -Dbench.name=value}, else defaults. */
record BenchSettings(int clients, Duration warmUp, Duration measured, int authors, int poolSize, Durability durability,
                     boolean profile, boolean quick) {

    static BenchSettings parse(String[] args) {
        Flags flags = Flags.parse(args, usage());
        boolean quick = flags.isSet("quick");
        int clients = flags.integer("clients", 16);
        BenchSettings settings = new BenchSettings(
                clients,
                flags.seconds("warmup", Duration.ofSeconds(quick ? 2 : 10)),
                flags.seconds("duration", Duration.ofSeconds(quick ? 5 : 30)),
                flags.integer("authors", 50),
                flags.integer("pool-size", clients),
                flags.durability(Durability.DURABLE),
                flags.isSet("profile"),
                quick);
        flags.rejectUnknown();
        if (settings.clients < 1 || settings.authors < 1 || settings.poolSize < 1) {
            throw flags.invalid("clients, authors and pool-size must be positive");
        }
        return settings;
    }

    static String usage() {
        return "Flags (or -Dbench.<name>=value): --clients=16 --warmup=10 --duration=30 (seconds) --authors=50 "
                + "--pool-size=<clients> --durability=durable|fast (Postgres fsync and full-page writes on, or off) "
                + "--profile (JFR recording of each app) --quick (2 s warm-up, 5 s measured)";
    }

    String describe() {
        return clients + " closed-loop clients, " + warmUp.toSeconds() + " s warm-up + " + measured.toSeconds()
                + " s measured per phase, " + authors + " authors, DB pool " + poolSize + " in each app"
                + ", Postgres durability " + durability.name().toLowerCase(Locale.ROOT) + " " + durability.settings()
                + (profile ? ", apps under JFR" : "") + (quick ? " (quick smoke run)" : "");
    }
}

package dev.outbox.bench.relay;

import dev.outbox.bench.settings.Flags;
import dev.outbox.embedded.postgres.EmbeddedPostgresServer.Durability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The relay benchmark's command line; {@code --relay.*=value} options go to the relay process unchanged. */
record RelaySettings(List<Integer> rates, Duration warmUp, Duration measured, int writers, int backlog,
                     int backlogWriters, Durability durability, Duration idleWait, Tracing tracing,
                     boolean profile, Map<String, String> relayOverrides) {

    /**
     * NONE: rows without a trace context (a request nobody traces). OFF: each row carries one, the relay exports nothing
     * and passes it on. ON: the relay also exports its spans over OTLP/HTTP to a collector in the bench JVM.
     */
    enum Tracing { NONE, OFF, ON }

    private static final String USAGE = "Usage: bench/relay.sh [--rates=500,2000] [--warmup=10] [--duration=30] [--writers=8]"
            + " [--backlog=100000] [--backlog-writers=4] [--durability=durable|fast] [--idle-wait=180]"
            + " [--tracing=none|off|on] [--profile]"
            + " [--relay.<property>=<value> ...]";

    static RelaySettings parse(String[] args) {
        Flags flags = Flags.parse(args, USAGE);
        RelaySettings settings = new RelaySettings(flags.integers("rates", List.of(500, 2000)),
                flags.seconds("warmup", Duration.ofSeconds(10)), flags.seconds("duration", Duration.ofSeconds(30)),
                flags.integer("writers", 8), flags.integer("backlog", 100_000), flags.integer("backlog-writers", 4),
                flags.durability(Durability.DURABLE), flags.seconds("idle-wait", Duration.ofSeconds(180)),
                tracing(flags), flags.isSet("profile"), flags.prefixed("relay."));
        flags.rejectUnknown();
        return settings;
    }

    /** The relay's JVM options for one phase: a JFR recording into {@code recording} with {@code --profile}. */
    List<String> relayJvmOptions(Path recording) {
        return profile ? List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording)
                : List.of();
    }

    private static Tracing tracing(Flags flags) {
        String value = flags.text("tracing", "none");
        try {
            return Tracing.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw flags.invalid("--tracing is none, off or on, not " + value);
        }
    }
}

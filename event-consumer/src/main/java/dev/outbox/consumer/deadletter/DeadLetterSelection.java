package dev.outbox.consumer.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which dead letters a list or a replay is about: one consumer group's (or every group's), optionally only given
 * event ids and only those dead-lettered at or after {@code since}. Both filters together must both hold.
 */
public record DeadLetterSelection(Optional<String> group, Set<UUID> eventIds, Optional<Instant> since) {

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    public DeadLetterSelection {
        eventIds = Set.copyOf(eventIds);
    }

    public static DeadLetterSelection all() {
        return new DeadLetterSelection(Optional.empty(), Set.of(), Optional.empty());
    }

    /**
     * From what an operator typed; blank means "not given". Throws {@link IllegalArgumentException} saying what is
     * wrong with an event id that is not a UUID or a {@code since} that is neither an instant nor an age.
     *
     * @param since an ISO-8601 instant ({@code 2026-12-02T05:00:00Z}) or an age before {@code now} ({@code 90s},
     *              {@code 30m}, {@code 2h}, {@code 1d})
     */
    public static DeadLetterSelection parse(String group, Collection<String> eventIds, String since, Instant now) {
        Set<UUID> ids = eventIds.stream().flatMap(given -> Arrays.stream(given.split(","))).map(String::strip)
                .filter(id -> !id.isEmpty()).map(DeadLetterSelection::eventId).collect(Collectors.toSet());
        return new DeadLetterSelection(blank(group) ? Optional.empty() : Optional.of(group.strip()), ids,
                blank(since) ? Optional.empty() : Optional.of(since(since.strip(), now)));
    }

    public boolean matches(DeadLetter deadLetter) {
        return group.map(wanted -> wanted.equals(deadLetter.group())).orElse(true)
                && (eventIds.isEmpty() || eventIds.stream().anyMatch(id -> id.toString()
                .equalsIgnoreCase(deadLetter.eventId())))
                && since.map(from -> !deadLetter.deadLetteredAt().isBefore(from)).orElse(true);
    }

    private static UUID eventId(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event id '" + text + "' is not a UUID");
        }
    }

    private static Instant since(String text, Instant now) {
        Matcher ago = AGO.matcher(text.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long amount = Long.parseLong(ago.group(1));
            Duration age = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return now.minus(age);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since '" + text + "' is neither an instant (2026-12-02T05:00:00Z) "
                    + "nor an age (90s, 30m, 2h, 1d)");
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}

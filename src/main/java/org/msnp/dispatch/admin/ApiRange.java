package org.msnp.dispatch.admin;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msnp.dispatch.census.CensusQueries;
import org.msnp.dispatch.config.CensusConfig;

/**
 * The time range and node of an API request (docs/console.md, "API"): {@code from} / {@code to}
 * as UTC dates or instants with an offset, or {@code last} (a span ending now); the last 24 hours
 * when none is given; at most {@link #MAX_SPAN}.
 */
final class ApiRange {
    static final Duration DEFAULT_SPAN = Duration.ofHours(24);
    static final Duration MAX_SPAN = Duration.ofDays(366);
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");
    private static final Pattern LAST = Pattern.compile("([1-9][0-9]{0,5})([mhd])");

    private ApiRange() {
    }

    /** A request the API answers with {@code status} and {@code {"error": message}}. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    static CensusQueries.Range of(String from, String to, String last, String node, Instant now) throws Refused {
        Instant end;
        Instant start;
        if (last != null) {
            if (from != null || to != null) {
                throw new Refused(400, "last: give either last or from/to, not both");
            }
            end = now;
            start = now.minus(span(last));
        } else {
            end = to == null ? now : when("to", to, true);
            start = from == null ? end.minus(DEFAULT_SPAN) : when("from", from, false);
        }
        if (!start.isBefore(end)) {
            throw new Refused(400, "from: " + start + " is not before to " + end);
        }
        if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            throw new Refused(400, "to: a range spans at most " + MAX_SPAN.toDays() + " days");
        }
        Optional<String> n = Optional.empty();
        if (node != null && !node.isEmpty()) {
            if (!CensusConfig.NODE_NAME.matcher(node).matches()) {
                throw new Refused(400, "node: a node name is 1-64 letters, digits, '.', '_', ':' or '-'");
            }
            n = Optional.of(node);
        }
        return new CensusQueries.Range(start, end, n);
    }

    /** {@code 30m}, {@code 24h}, {@code 7d}. */
    static Duration span(String text) throws Refused {
        Matcher m = LAST.matcher(text.strip());
        if (!m.matches()) {
            throw new Refused(400, "last: '" + shown(text) + "' is not a span such as 1h, 24h, 7d or 30d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(MAX_SPAN) > 0) {
            throw new Refused(400, "last: a range spans at most " + MAX_SPAN.toDays() + " days");
        }
        return d;
    }

    /** A UTC date (as an end: the whole day) or an instant with its offset, as {@code census export} reads them. */
    static Instant when(String name, String text, boolean end) throws Refused {
        String t = text.strip();
        try {
            Instant i;
            if (t.length() == 10) {
                LocalDate d = LocalDate.parse(t);
                i = (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                i = OffsetDateTime.parse(t).toInstant();
            }
            if (i.isBefore(EARLIEST) || i.isAfter(LATEST)) {
                throw new DateTimeException("out of range");
            }
            return i;
        } catch (DateTimeException e) {
            throw new Refused(400, name + ": '" + shown(t) + "' is not a date (2026-12-01) or an instant (2026-12-01T10:00:00Z)");
        }
    }

    /** Client text as an error message may repeat it: printable ASCII, at most 40 characters. */
    static String shown(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 40; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 40 ? b + "…" : b.toString();
    }
}

package org.msnp.dispatch.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.msnp.dispatch.census.Census;
import org.msnp.dispatch.census.CensusQueries;
import org.msnp.dispatch.census.PreviewClients;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.policy.PolicyPreview;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.protocol.Lcid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's JSON API under {@code /api/} (docs/console.md, "API"): the running configuration
 * and pool, the census over a time range, and the policy preview. Every answer is JSON; a refused
 * request is {@code {"error": "one line"}} with a 4xx status, a census database that does not
 * answer is 503. Nothing here changes the running server.
 */
final class ConsoleApi {
    static final String STATUS = "/api/status";
    static final String HANDSHAKES = "/api/handshakes";
    static final String VERDICTS = "/api/verdicts";
    static final String DIALECTS = "/api/dialects";
    static final String LOCALES = "/api/locales";
    static final String BUILDS = "/api/builds";
    static final String NODES = "/api/nodes";
    static final String PREVIEW = "/api/preview";

    /** Up to this span a series has one point per hour; past it, one per UTC day. */
    static final Duration HOURLY_UP_TO = Duration.ofDays(7);
    static final int DEFAULT_BUILDS = 20;
    static final int MAX_BUILDS = 100;
    static final int DEFAULT_DAYS = 7;
    static final int MAX_DAYS = 366;
    /** A candidate may be larger than the listener's other bodies: a whole configuration file. */
    static final int MAX_CANDIDATE_BYTES = 64 * 1024;
    static final int MAX_UNKNOWN = 100;
    /** The name a candidate's errors give as its file. */
    static final String CANDIDATE = "candidate.yaml";
    /** A build with no client report ({@code -}) or folded client text ({@code other}) gets no verdict of the policy. */
    static final String NONE = "none";
    static final String NOT_DECIDED = "not-decided";

    private static final Logger LOG = LoggerFactory.getLogger("msnp.admin");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleSource source;
    private final DispatchMetrics metrics;
    private final Clock clock;

    ConsoleApi(ConsoleSource source, DispatchMetrics metrics, Clock clock) {
        this.source = source;
        this.metrics = metrics;
        this.clock = clock;
    }

    // --- answers ---------------------------------------------------------------------------------

    record Status(String now, ConfigStatus config, HealthStatus health, Map<String, Integer> openConnections,
                  CensusStatus census) {
    }

    record ConfigStatus(long version, String source, ReloadStatus lastReload) {
    }

    record ReloadStatus(String at, boolean ok, String message) {
    }

    record HealthStatus(String status, List<String> reasons, List<TargetStatus> notificationServers) {
    }

    record TargetStatus(String target, int weight, boolean healthy) {
    }

    record CensusStatus(boolean enabled, String node) {
    }

    /** One point of a series: conversations per value (every value of the series, zeros included). */
    record Point(String start, String period, Map<String, Long> counts, long total) {
    }

    record Series(String from, String to, String node, String step, long total, Map<String, Long> totals,
                  List<Point> points) {
    }

    record Dialect(String dialect, long conversations) {
    }

    record Dialects(String from, String to, String node, long total, List<Dialect> dialects) {
    }

    record LocaleShare(String locale, String tag, String language, long conversations) {
    }

    record Locales(String from, String to, String node, long total, List<LocaleShare> locales) {
    }

    record Build(String library, String build, long conversations, String verdict, Map<String, Long> verdicts) {
    }

    record Builds(String from, String to, String node, long configVersion, int limit, List<Build> builds) {
    }

    record Node(String node, long conversations, boolean local) {
    }

    /**
     * A node from its heartbeat: {@code stale} (silent for three heartbeats), {@code stopped}
     * (stopped gracefully), {@code behind} (runs an older published policy than the latest).
     */
    record Member(String name, String address, String policySource, Long policyVersion, String startedAt, String lastSeen,
                  boolean stale, boolean stopped, boolean behind) {
    }

    record Nodes(String from, String to, List<Node> nodes, List<Member> members) {
    }

    record RuleMatch(int position, String rule, long conversations, String status) {
    }

    record Preview(String from, String to, int days, long configVersion, long conversations, long changed,
                   List<PolicyPreview.Change> verdicts, Map<String, Long> before, Map<String, Long> after,
                   List<RuleMatch> rules, int deadRules, List<PolicyPreview.Unknown> unknown, int unknownBuilds,
                   long skipped) {
    }

    // --- handlers --------------------------------------------------------------------------------

    private interface Answer {
        Object get(Context ctx) throws ApiRange.Refused, SQLException, IOException;
    }

    private void answer(Context ctx, Answer a) throws IOException {
        int status = 200;
        Object body;
        try {
            body = a.get(ctx);
        } catch (ApiRange.Refused e) {
            status = e.status;
            body = Map.of("error", e.getMessage());
        } catch (SQLException e) {
            LOG.warn("console: census query failed: {}", e.getMessage());
            status = 503;
            body = Map.of("error", "the census database did not answer; the server log says why");
        }
        ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body) + "\n");
    }

    void status(Context ctx) throws IOException {
        answer(ctx, c -> {
            ConsoleSource.RunningConfig running = source.running();
            ReloadStatus reload = running.lastReload()
                    .map(r -> new ReloadStatus(r.at().toString(), r.ok(), r.message())).orElse(null);
            AdminServer.Health h = source.health();
            List<String> reasons = new ArrayList<>();
            if (h.body().get("reasons") instanceof List<?> l) {
                l.forEach(r -> reasons.add(String.valueOf(r)));
            }
            List<TargetStatus> targets = source.notificationServers().stream()
                    .map(t -> new TargetStatus(t.address().toString(), t.weight(), t.isHealthy())).toList();
            Optional<Census> census = source.census();
            return new Status(clock.instant().toString(), new ConfigStatus(running.version(), running.source(), reload),
                    new HealthStatus(h.up() ? "up" : "down", reasons, targets), openConnections(),
                    new CensusStatus(census.isPresent(), census.map(Census::node).orElse(null)));
        });
    }

    void handshakes(Context ctx) throws IOException {
        answer(ctx, c -> {
            CensusQueries.Range range = range(c);
            List<Count> counts = new ArrayList<>();
            for (CensusQueries.OutcomeCount o : queries().outcomesOverTime(range)) {
                counts.add(new Count(o.period(), o.start(), o.outcome(), o.conversations()));
            }
            return series(range, counts);
        });
    }

    void verdicts(Context ctx) throws IOException {
        answer(ctx, c -> {
            CensusQueries.Range range = range(c);
            List<Count> counts = new ArrayList<>();
            for (CensusQueries.VerdictCount v : queries().verdictsOverTime(range)) {
                counts.add(new Count(v.period(), v.start(), v.verdict(), v.conversations()));
            }
            return series(range, counts);
        });
    }

    void dialects(Context ctx) throws IOException {
        answer(ctx, c -> {
            CensusQueries.Range range = range(c);
            List<Dialect> out = new ArrayList<>();
            long total = 0;
            for (CensusQueries.Share s : queries().byDialect(range)) {
                out.add(new Dialect(s.value(), s.conversations()));
                total += s.conversations();
            }
            return new Dialects(range.from().toString(), range.to().toString(), range.node().orElse(null), total, out);
        });
    }

    void locales(Context ctx) throws IOException {
        answer(ctx, c -> {
            CensusQueries.Range range = range(c);
            List<LocaleShare> out = new ArrayList<>();
            long total = 0;
            for (CensusQueries.Share s : queries().byLocale(range)) {
                Optional<String> tag = tag(s.value());
                out.add(new LocaleShare(s.value(), tag.orElse(null), tag.flatMap(ConsoleApi::language).orElse(null),
                        s.conversations()));
                total += s.conversations();
            }
            return new Locales(range.from().toString(), range.to().toString(), range.node().orElse(null), total, out);
        });
    }

    void builds(Context ctx) throws IOException {
        answer(ctx, c -> {
            CensusQueries.Range range = range(c);
            int limit = number(c, "limit", DEFAULT_BUILDS, 1, MAX_BUILDS);
            ConsoleSource.RunningConfig running = source.running();
            CensusQueries q = queries();
            List<CensusQueries.BuildCount> top = q.topBuilds(range, limit);
            Map<List<String>, Map<String, Long>> verdicts = new LinkedHashMap<>();
            top.forEach(b -> verdicts.put(List.of(b.library(), b.build()), new LinkedHashMap<>()));
            for (CensusQueries.ClientCount cc : q.clients(range)) {
                Map<String, Long> v = verdicts.get(List.of(cc.library(), cc.build()));
                if (v != null) {
                    String verdict = PolicyPreview.verdictOf(running.policy(), new PolicyPreview.Client(cc.library(), cc.build(),
                            cc.osType(), cc.locale(), cc.conversations())).orElse(NOT_DECIDED);
                    v.merge(verdict, cc.conversations(), Long::sum);
                }
            }
            List<Build> out = new ArrayList<>();
            for (CensusQueries.BuildCount b : top) {
                Map<String, Long> v = verdicts.get(List.of(b.library(), b.build()));
                String verdict;
                if (b.library().equals("-")) {
                    verdict = NONE;
                    v = Map.of(NONE, b.conversations());
                } else {
                    verdict = v.entrySet().stream()
                            .max(Map.Entry.<String, Long>comparingByValue().thenComparing(e -> severity(e.getKey())))
                            .map(Map.Entry::getKey).orElse(NOT_DECIDED);
                    v = sortedBySeverity(v);
                }
                out.add(new Build(b.library(), b.build(), b.conversations(), verdict, v));
            }
            return new Builds(range.from().toString(), range.to().toString(), range.node().orElse(null), running.version(),
                    limit, out);
        });
    }

    /**
     * The nodes whose conversations the census holds in the range, and the live membership of
     * the network from the nodes' heartbeats (empty for a single node on files).
     */
    void nodes(Context ctx) throws IOException {
        answer(ctx, c -> {
            CensusQueries.Range range = range(c);
            String local = source.census().map(Census::node).orElse(null);
            List<Node> out = new ArrayList<>();
            for (CensusQueries.Share s : queries().byNode(range)) {
                out.add(new Node(s.value(), s.conversations(), s.value().equals(local)));
            }
            List<Member> members = new ArrayList<>();
            for (org.msnp.dispatch.nodes.Membership.Node n : source.members()) {
                members.add(new Member(n.name(), n.address(), n.policySource(),
                        n.policyVersion().isPresent() ? n.policyVersion().getAsLong() : null, n.startedAt().toString(),
                        n.lastSeen().toString(), n.stale(), n.stopped(), n.behind()));
            }
            return new Nodes(range.from().toString(), range.to().toString(), out, members);
        });
    }

    void preview(Context ctx) throws IOException {
        answer(ctx, c -> {
            int days = number(c, "days", DEFAULT_DAYS, 1, MAX_DAYS);
            String text = candidate(c);
            if (text.isBlank()) {
                throw new ApiRange.Refused(400, CANDIDATE + ": empty: send the candidate configuration file as the body");
            }
            DispatchConfig candidate;
            try {
                candidate = ConfigLoader.parse(text, CANDIDATE);
            } catch (ConfigException e) {
                throw new ApiRange.Refused(400, e.getMessage());
            }
            CensusQueries q = queries();
            ConsoleSource.RunningConfig running = source.running();
            VersionPolicy next = candidate.versionPolicy().build();
            Instant now = clock.instant();
            CensusQueries.Range range = CensusQueries.Range.of(now.minus(Duration.ofDays(days)), now);
            PolicyPreview.Result r = PolicyPreview.compare(running.policy(), next, PreviewClients.of(q, range));
            List<RuleMatch> rules = r.rules().stream().map(u -> new RuleMatch(u.position(), u.rule(), u.conversations(),
                    u.conversations() > 0 ? "matches" : u.namesArchs() ? "names-archs" : "dead")).toList();
            return new Preview(range.from().toString(), range.to().toString(), days, running.version(), r.conversations(),
                    r.changed(), r.verdicts(), r.before(), r.after(), rules,
                    (int) rules.stream().filter(u -> u.status().equals("dead")).count(),
                    r.unknown().stream().limit(MAX_UNKNOWN).toList(), r.unknown().size(), r.skipped());
        });
    }

    // --- helpers ---------------------------------------------------------------------------------

    private CensusQueries queries() throws ApiRange.Refused {
        return source.census().map(Census::queries).orElseThrow(() ->
                new ApiRange.Refused(409, "the census is off (census.enabled: false): there is nothing to show"));
    }

    private CensusQueries.Range range(Context c) throws ApiRange.Refused {
        return ApiRange.of(c.queryParam("from"), c.queryParam("to"), c.queryParam("last"), c.queryParam("node"),
                clock.instant());
    }

    private static int number(Context c, String name, int fallback, int min, int max) throws ApiRange.Refused {
        String text = c.queryParam(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiRange.Refused(400, name + ": '" + ApiRange.shown(text) + "' is not a number from " + min + " to " + max);
    }

    /** The request body as UTF-8 text, at most {@link #MAX_CANDIDATE_BYTES}. */
    private static String candidate(Context c) throws ApiRange.Refused, IOException {
        long declared = c.req().getContentLengthLong();
        if (declared > MAX_CANDIDATE_BYTES) {
            AdminServer.discardUnread(c, declared);
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = c.req().getInputStream()) {
            bytes = in.readNBytes(MAX_CANDIDATE_BYTES + 1);
            if (bytes.length > MAX_CANDIDATE_BYTES) {
                // being read already: the rest is on its way whatever the client expected
                AdminServer.drain(in);
                throw tooLarge();
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiRange.Refused(400, CANDIDATE + ": not UTF-8 text");
        }
    }

    private static ApiRange.Refused tooLarge() {
        return new ApiRange.Refused(413, CANDIDATE + ": larger than " + MAX_CANDIDATE_BYTES / 1024 + " KiB");
    }

    private Map<String, Integer> openConnections() {
        Map<String, Integer> out = new TreeMap<>();
        out.put("tcp", 0);
        out.put("http", 0);
        for (Gauge g : metrics.registry().find("msnp.connections.open").gauges()) {
            String transport = g.getId().getTag("transport");
            if (transport != null) {
                out.put(transport, (int) g.value());
            }
        }
        return out;
    }

    /** The [MS-LCID] tag of a census locale ({@code 0x0409} → {@code en-US}); none for {@code -} or an unknown one. */
    static Optional<String> tag(String locale) {
        int lcid = Lcid.parse(locale);
        return lcid == Lcid.MALFORMED ? Optional.empty() : Lcid.tag(lcid);
    }

    /** The English name of a language tag ({@code en-US} → {@code English (United States)}); none for {@code x-} tags. */
    static Optional<String> language(String tag) {
        if (tag.startsWith("x-")) {
            return Optional.empty();
        }
        Locale l = Locale.forLanguageTag(tag);
        String name = l.getDisplayName(Locale.ENGLISH);
        return name.isEmpty() || name.equalsIgnoreCase(tag) ? Optional.empty() : Optional.of(name);
    }

    private static int severity(String verdict) {
        int i = PolicyPreview.ORDER.indexOf(verdict);
        return i >= 0 ? i : PolicyPreview.ORDER.size();
    }

    private static Map<String, Long> sortedBySeverity(Map<String, Long> v) {
        Map<String, Long> out = new LinkedHashMap<>();
        v.entrySet().stream().sorted(Comparator.comparingInt(e -> severity(e.getKey())))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    // --- series ----------------------------------------------------------------------------------

    private record Count(CensusQueries.Period period, Instant start, String value, long conversations) {
    }

    private record Slot(Instant start, CensusQueries.Period period) {
    }

    /**
     * One point per hour of the range (per UTC day past {@link #HOURLY_UP_TO}), every value in
     * each; a day rolled up into one row is one point of period {@code day} in place of its hours.
     */
    private static Series series(CensusQueries.Range range, List<Count> counts) {
        boolean hourly = Duration.between(range.from(), range.to()).compareTo(HOURLY_UP_TO) <= 0;
        Comparator<Slot> order = Comparator.comparing(Slot::start).thenComparing(Slot::period, Comparator.reverseOrder());
        TreeMap<Slot, Map<String, Long>> slots = new TreeMap<>(order);
        if (hourly) {
            for (Instant h = ceil(range.from(), ChronoUnit.HOURS); h.isBefore(range.to()); h = h.plus(1, ChronoUnit.HOURS)) {
                slots.put(new Slot(h, CensusQueries.Period.HOUR), new TreeMap<>());
            }
        } else {
            for (Instant d = day(range.from()); d.isBefore(range.to()); d = d.plus(1, ChronoUnit.DAYS)) {
                slots.put(new Slot(d, CensusQueries.Period.DAY), new TreeMap<>());
            }
        }
        Map<String, Long> totals = new TreeMap<>();
        long total = 0;
        List<Instant> rolledUp = new ArrayList<>();
        for (Count c : counts) {
            Slot slot = hourly ? new Slot(c.start(), c.period()) : new Slot(day(c.start()), CensusQueries.Period.DAY);
            if (hourly && c.period() == CensusQueries.Period.DAY) {
                rolledUp.add(c.start());
            }
            slots.computeIfAbsent(slot, s -> new TreeMap<>()).merge(c.value(), c.conversations(), Long::sum);
            totals.merge(c.value(), c.conversations(), Long::sum);
            total += c.conversations();
        }
        // the hours of a rolled-up day have no rows of their own: its day point stands for them
        for (Instant d : rolledUp) {
            slots.keySet().removeIf(s -> s.period() == CensusQueries.Period.HOUR && !s.start().isBefore(d)
                    && s.start().isBefore(d.plus(1, ChronoUnit.DAYS)) && slots.get(s).isEmpty());
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        totals.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        List<Point> points = new ArrayList<>();
        slots.forEach((slot, values) -> {
            Map<String, Long> all = new LinkedHashMap<>();
            long sum = 0;
            for (String v : ordered.keySet()) {
                long n = values.getOrDefault(v, 0L);
                all.put(v, n);
                sum += n;
            }
            points.add(new Point(slot.start().toString(), slot.period().label(), all, sum));
        });
        return new Series(range.from().toString(), range.to().toString(), range.node().orElse(null),
                hourly ? "hour" : "day", total, ordered, points);
    }

    private static Instant ceil(Instant t, ChronoUnit unit) {
        Instant floor = t.truncatedTo(unit);
        return floor.equals(t) ? t : floor.plus(1, unit);
    }

    private static Instant day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}

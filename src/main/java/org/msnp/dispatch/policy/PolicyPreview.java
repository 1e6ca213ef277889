package org.msnp.dispatch.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;
import org.msnp.dispatch.protocol.Lcid;

/**
 * What a candidate version policy would do to the clients that really connect: every client the
 * census saw (library, build, OS type, locale, with its number of conversations) is decided by
 * the running policy and by the candidate, and the result weighted by conversations: how many
 * change verdict and from what to what, which of the candidate's rules match how many, which
 * match none (dead rules), and which builds fall to the unknown-client behaviour. Nothing here
 * touches a running server.
 *
 * <p>The census keeps no architecture: a client is decided as if it had sent none, so a rule
 * that names {@code archs} never matches here; such rules are listed apart.
 */
public final class PolicyPreview {

    /** Verdicts from least to most severe, as the preview names them. */
    public static final List<String> ORDER = List.of("current", "upgrade-offered", "unknown", "below-minimum", "rejected-420");

    /** One census key that answered CVR/CVQ, with its conversations. */
    public record Client(String library, String build, String osType, String locale, long conversations) {
    }

    /** Conversations whose verdict goes from {@code from} to {@code to}. */
    public record Change(String from, String to, long conversations) {
    }

    /** A rule of the candidate and the conversations it answers. */
    public record RuleUse(int position, String rule, long conversations, boolean namesArchs) {
    }

    /** A build that no rule of the candidate covers, so the unknown-client behaviour answers it. */
    public record Unknown(String library, String build, long conversations) {
    }

    /**
     * @param conversations every conversation looked at
     * @param changed       those whose verdict differs between the running policy and the candidate
     * @param verdicts      running → candidate, with counts (unchanged pairs included)
     * @param before        conversations per verdict under the running policy
     * @param after         conversations per verdict under the candidate
     * @param rules         every rule of the candidate, in order, with its matches
     * @param unknown       builds the candidate leaves to the unknown-client behaviour, most first
     * @param skipped       conversations whose client text was folded into {@code other} by the
     *                      census or is not readable as a CVR; they cannot be decided
     */
    public record Result(long conversations, long changed, List<Change> verdicts, Map<String, Long> before,
                         Map<String, Long> after, List<RuleUse> rules, List<Unknown> unknown, long skipped) {

        public List<RuleUse> deadRules() {
            return rules.stream().filter(r -> r.conversations() == 0).toList();
        }
    }

    private PolicyPreview() {
    }

    public static Result compare(VersionPolicy running, VersionPolicy candidate, Iterable<Client> clients) {
        Map<String, Map<String, Long>> pairs = new TreeMap<>(Comparator.comparingInt(ORDER::indexOf));
        Map<String, Long> before = ordered();
        Map<String, Long> after = ordered();
        long[] perRule = new long[candidate.rules().size()];
        Map<String, Long> unknown = new TreeMap<>();
        long total = 0;
        long changed = 0;
        long skipped = 0;
        for (Client c : clients) {
            Optional<ClientInfo> info = info(c);
            if (info.isEmpty()) {
                skipped += c.conversations();
                continue;
            }
            String from = verdict(running.decide(info.get()));
            String to = verdict(candidate.decide(info.get()));
            total += c.conversations();
            if (!from.equals(to)) {
                changed += c.conversations();
            }
            pairs.computeIfAbsent(from, k -> new TreeMap<>(Comparator.comparingInt(ORDER::indexOf)))
                    .merge(to, c.conversations(), Long::sum);
            before.merge(from, c.conversations(), Long::sum);
            after.merge(to, c.conversations(), Long::sum);
            Optional<Integer> rule = candidate.matchingRule(info.get());
            if (rule.isPresent()) {
                perRule[rule.get()] += c.conversations();
            } else {
                unknown.merge(c.library() + "/" + c.build(), c.conversations(), Long::sum);
            }
        }
        List<Change> changes = new ArrayList<>();
        pairs.forEach((from, tos) -> tos.forEach((to, n) -> changes.add(new Change(from, to, n))));
        List<RuleUse> rules = new ArrayList<>();
        for (int i = 0; i < perRule.length; i++) {
            Rule r = candidate.rules().get(i);
            rules.add(new RuleUse(i + 1, describe(r), perRule[i], !r.archs().isEmpty()));
        }
        List<Unknown> unknowns = unknown.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> {
                    int slash = e.getKey().indexOf('/');
                    return new Unknown(e.getKey().substring(0, slash), e.getKey().substring(slash + 1), e.getValue());
                }).toList();
        return new Result(total, changed, changes, before, after, rules, unknowns, skipped);
    }

    /**
     * The verdict {@code policy} gives one census client, as the preview names it ({@code current}
     * … {@code rejected-420}); empty when the census cannot say what the client sent (client text
     * folded into {@code other}, no report, an unreadable locale).
     */
    public static Optional<String> verdictOf(VersionPolicy policy, Client client) {
        return info(client).map(i -> verdict(policy.decide(i)));
    }

    private static Map<String, Long> ordered() {
        Map<String, Long> m = new LinkedHashMap<>();
        ORDER.forEach(v -> m.put(v, 0L));
        return m;
    }

    /** The verdict label of a decision: the answer's, or {@code rejected-NNN}. */
    static String verdict(Decision d) {
        if (d instanceof Decision.Answer a) {
            return a.verdict().label();
        }
        return "rejected-" + ((Decision.Reject) d).error().text();
    }

    /** A census key as a CVR would have carried it; empty when it cannot be one. */
    static Optional<ClientInfo> info(Client c) {
        if (isMissing(c.library()) || isMissing(c.build()) || c.library().equals("other")) {
            return Optional.empty();
        }
        int locale = Lcid.parse(isMissing(c.locale()) ? "0x0409" : c.locale());
        if (locale == Lcid.MALFORMED) {
            return Optional.empty();
        }
        Optional<ClientVersion> v = ClientVersion.parse(c.build());
        return Optional.of(new ClientInfo(locale, isMissing(c.osType()) ? "" : c.osType(), "", "", c.library(), c.build(), v,
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static boolean isMissing(String s) {
        return s == null || s.isEmpty() || s.equals("-");
    }

    /** {@code MSNMSGR 6.2.0205..7.0.0813 (winnt) → recommended 7.0.0813, minimum 6.2.0205}. */
    static String describe(Rule r) {
        StringBuilder b = new StringBuilder(r.library());
        if (r.from().isPresent() || r.below().isPresent()) {
            b.append(' ').append(r.from().map(ClientVersion::text).orElse("")).append("..")
                    .append(r.below().map(ClientVersion::text).orElse(""));
        }
        if (!r.osTypes().isEmpty()) {
            b.append(" os ").append(String.join(",", r.osTypes()));
        }
        if (!r.archs().isEmpty()) {
            b.append(" arch ").append(String.join(",", r.archs()));
        }
        if (!r.locales().isEmpty()) {
            b.append(" locales ").append(r.locales().size());
        }
        return b.append(" → recommended ").append(r.recommended().text()).append(", minimum ")
                .append(r.minimum().text()).toString();
    }
}

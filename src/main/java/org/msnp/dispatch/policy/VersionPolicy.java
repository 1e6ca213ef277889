package org.msnp.dispatch.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;

/**
 * The operator's version policy: CVR/CVQ client report in, {@link Decision} out. Rules are tried
 * in their configured order and the first that covers the client answers it. Immutable; built
 * once per configuration and shared by every connection.
 *
 * <p>Lookup is indexed so that a decision does not scan the rule list: rules are grouped by
 * library, and within a library the version axis is cut at every {@code from}/{@code below}
 * bound, each slice holding the (ordered) rules that cover it. A decision is one map lookup, one
 * binary search over the bounds and a scan of the few rules of one slice; it allocates nothing
 * for a known client.
 */
public final class VersionPolicy {
    /** The newest Messenger build that shipped (WLM 2012); anything above is impossible. */
    public static final ClientVersion DEFAULT_CEILING = ClientVersion.of("16.4.3528.0331");

    private final List<Rule> rules;
    private final UnknownClients unknown;
    private final ClientVersion ceiling;
    private final TreeMap<String, LibraryIndex> byLibrary = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final LibraryIndex anyLibrary;
    private final Decision.Reject reject420 = new Decision.Reject(org.msnp.dispatch.protocol.ErrorCode.INVITE_REQUIRED);

    public VersionPolicy(List<Rule> rules, UnknownClients unknown, ClientVersion ceiling) {
        this.rules = List.copyOf(rules);
        this.unknown = unknown;
        this.ceiling = ceiling;
        Map<String, List<Integer>> positionsByLibrary = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        List<Integer> wildcard = new ArrayList<>();
        for (int i = 0; i < this.rules.size(); i++) {
            String lib = this.rules.get(i).library();
            if (lib.equals(Rule.ANY_LIBRARY)) {
                wildcard.add(i);
            } else {
                positionsByLibrary.computeIfAbsent(lib, k -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<String, List<Integer>> e : positionsByLibrary.entrySet()) {
            TreeSet<Integer> merged = new TreeSet<>(e.getValue());
            merged.addAll(wildcard);
            byLibrary.put(e.getKey(), new LibraryIndex(select(merged)));
        }
        this.anyLibrary = new LibraryIndex(select(wildcard));
    }

    private List<Rule> select(Iterable<Integer> positions) {
        List<Rule> out = new ArrayList<>();
        positions.forEach(i -> out.add(rules.get(i)));
        return out;
    }

    public List<Rule> rules() {
        return rules;
    }

    public UnknownClients unknownClients() {
        return unknown;
    }

    public ClientVersion ceiling() {
        return ceiling;
    }

    /** Decides the answer to a client's CVR or CVQ. */
    public Decision decide(ClientInfo client) {
        Optional<ClientVersion> version = client.parsedVersion();
        if (version.isPresent() && ceiling.isBelow(version.get())) {
            return unknownClient(client);
        }
        LibraryIndex index = byLibrary.get(client.library());
        if (index == null) {
            index = anyLibrary;
        }
        Entry entry = index.find(client, version);
        if (entry == null) {
            return unknownClient(client);
        }
        if (version.isEmpty()) {
            return entry.answers.get(Verdict.UNKNOWN);
        }
        ClientVersion v = version.get();
        Rule r = entry.rule;
        if (v.isBelow(r.minimum())) {
            return entry.answers.get(Verdict.BELOW_MINIMUM);
        }
        if (v.isBelow(r.recommended())) {
            return entry.answers.get(Verdict.UPGRADE_OFFERED);
        }
        return entry.answers.get(Verdict.CURRENT);
    }

    private Decision unknownClient(ClientInfo client) {
        switch (unknown.mode()) {
            case PLACEHOLDER:
                return new Decision.Answer(UnknownClients.PLACEHOLDER_VERSION, UnknownClients.PLACEHOLDER_VERSION,
                        client.version(), DownloadUrl.fixed(unknown.downloadUrl()), unknown.infoUrl(), Verdict.UNKNOWN);
            case ECHO:
                return new Decision.Answer(client.version(), client.version(), client.version(),
                        DownloadUrl.fixed(unknown.downloadUrl()), unknown.infoUrl(), Verdict.UNKNOWN);
            default:
                return reject420;
        }
    }

    /** A rule with its answers built once, one per verdict. */
    private static final class Entry {
        final Rule rule;
        final int[] locales;
        final EnumMap<Verdict, Decision.Answer> answers = new EnumMap<>(Verdict.class);

        Entry(Rule rule) {
            this.rule = rule;
            this.locales = rule.locales().stream().mapToInt(Integer::intValue).sorted().toArray();
            for (Verdict v : Verdict.values()) {
                answers.put(v, new Decision.Answer(rule.recommended().text(), rule.recommended2().text(),
                        rule.minimum().text(), rule.downloadUrl(), rule.infoUrl(), v));
            }
        }

        boolean matches(ClientInfo c) {
            return rule.matchesPlatform(c, locales);
        }
    }

    /** The rules of one library, sliced along the version axis. */
    private static final class LibraryIndex {
        /** Sorted distinct range bounds; slice i is [bounds[i-1], bounds[i]). */
        private final ClientVersion[] bounds;
        private final Entry[][] slices;
        /** Rules without a version range, for builds that do not parse. */
        private final Entry[] unranged;

        LibraryIndex(List<Rule> rules) {
            List<Entry> entries = rules.stream().map(Entry::new).toList();
            TreeSet<ClientVersion> cuts = new TreeSet<>(Comparator.naturalOrder());
            for (Rule r : rules) {
                r.from().ifPresent(cuts::add);
                r.below().ifPresent(cuts::add);
            }
            this.bounds = cuts.toArray(ClientVersion[]::new);
            this.slices = new Entry[bounds.length + 1][];
            for (int s = 0; s <= bounds.length; s++) {
                // A representative of slice s: its lower bound (or below everything for s == 0).
                ClientVersion lower = s == 0 ? null : bounds[s - 1];
                List<Entry> covering = new ArrayList<>();
                for (Entry e : entries) {
                    if (covers(e.rule, lower)) {
                        covering.add(e);
                    }
                }
                slices[s] = covering.toArray(Entry[]::new);
            }
            this.unranged = entries.stream().filter(e -> !e.rule.hasVersionRange()).toArray(Entry[]::new);
        }

        /** Whether the rule's range covers slice starting at {@code lower} (null = the lowest slice). */
        private static boolean covers(Rule r, ClientVersion lower) {
            if (r.from().isPresent() && (lower == null || lower.isBelow(r.from().get()))) {
                return false;
            }
            return r.below().isEmpty() || (lower != null ? lower.isBelow(r.below().get()) : true);
        }

        Entry find(ClientInfo c, Optional<ClientVersion> version) {
            Entry[] candidates = version.isPresent() ? slices[slice(version.get())] : unranged;
            for (Entry e : candidates) {
                if (e.matches(c)) {
                    return e;
                }
            }
            return null;
        }

        /** Number of bounds at or below v. */
        private int slice(ClientVersion v) {
            int lo = 0;
            int hi = bounds.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (bounds[mid].compareTo(v) <= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}

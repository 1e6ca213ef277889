package org.msnp.dispatch.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;
import org.msnp.dispatch.protocol.Lcid;

/**
 * The indexed {@link VersionPolicy#decide} answers exactly what the plain reading of the
 * configuration does: try the rules in order, the first that covers the client answers.
 */
class VersionPolicyPropertyTest {
    private static final List<String> RULE_LIBRARIES = List.of("MSNMSGR", "msnmsgr", "MSMSGS", "MSG80BETA", "*", "*");
    private static final List<String> CLIENT_LIBRARIES = List.of("MSNMSGR", "MsnMsgr", "MSMSGS", "MSG80BETA", "YCOMM", "macmsgs");
    private static final List<String> BOUNDS = List.of("1.0", "1.0.0863", "5.0.0537", "6.0.0602", "6.0.602", "6.2",
            "7.0", "7.0.0813", "8.5.1302", "14.0.8117", "14.0.8117.0416", "15.4", "16.4.3528.0331");
    private static final List<String> BUILDS = List.of("0.1", "1.0", "1.0.0863", "3.5.1", "5.0.0537", "6.0.0601",
            "6.0.0602", "6.0.602", "6.1.0211", "6.2", "6.2.0205", "7.0", "7.0.0813", "7.5.0324", "8.0.0566", "8.5.1302",
            "14.0.8117", "14.0.8117.0416", "15.4.3502.0922", "16.4.3528.0331", "16.4.3528.0332", "99.9.9999",
            "b.0.0328");
    private static final List<String> OS = List.of("winnt", "WINNT", "win", "mac");
    private static final List<String> ARCH = List.of("i386", "ppc", "amd64");
    private static final List<Integer> LOCALES = List.of(0x0409, 0x040c, 0x0804, 0x0412);

    record Scenario(List<Rule> rules, UnknownClients unknown, ClientVersion ceiling) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("ceiling=" + ceiling + " unknown=" + unknown.mode());
            for (Rule r : rules) {
                b.append("\n  ").append(r.library()).append(" os=").append(r.osTypes()).append(" arch=").append(r.archs())
                        .append(" loc=").append(r.locales()).append(" from=").append(r.from().orElse(null))
                        .append(" below=").append(r.below().orElse(null)).append(" rec=").append(r.recommended())
                        .append(" min=").append(r.minimum()).append(" -> ").append(r.infoUrl());
            }
            return b.toString();
        }
    }

    @Provide
    Arbitrary<Rule> rule() {
        Arbitrary<String> library = Arbitraries.of(RULE_LIBRARIES);
        Arbitrary<List<String>> os = Arbitraries.of(OS).list().uniqueElements().ofMaxSize(2);
        Arbitrary<List<String>> arch = Arbitraries.of(ARCH).list().uniqueElements().ofMaxSize(2);
        Arbitrary<List<Integer>> locales = Arbitraries.of(LOCALES).list().uniqueElements().ofMaxSize(2);
        Arbitrary<Optional<String>> from = Arbitraries.of(BOUNDS).optional(0.4);
        Arbitrary<Optional<String>> below = Arbitraries.of(BOUNDS).optional(0.4);
        Arbitrary<Tuple.Tuple2<String, String>> recMin = Combinators.combine(Arbitraries.of(BOUNDS), Arbitraries.of(BOUNDS))
                .as((a, b) -> ClientVersion.of(a).isBelow(ClientVersion.of(b)) ? Tuple.of(b, a) : Tuple.of(a, b));
        Arbitrary<Boolean> unfiltered = Arbitraries.of(true, false);
        return Combinators.combine(library, os, arch, locales, from, below, recMin, unfiltered)
                .as((lib, o, a, l, f, bl, rm, plain) -> {
                    Optional<ClientVersion> fv = f.map(ClientVersion::of);
                    Optional<ClientVersion> bv = bl.map(ClientVersion::of);
                    if (fv.isPresent() && bv.isPresent() && !fv.get().isBelow(bv.get())) {
                        bv = Optional.empty();
                    }
                    return new Rule(lib, plain ? List.of() : o, plain ? List.of() : a, plain ? List.of() : l, fv, bv,
                            ClientVersion.of(rm.get1()), ClientVersion.of(rm.get1()), ClientVersion.of(rm.get2()),
                            DownloadUrl.of("http://dl.example/{lcid}", Map.of()), "unnamed");
                });
    }

    /** The same rules, each answering with its position as info URL so that a mismatch names the rule. */
    private static List<Rule> numbered(List<Rule> rules) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            out.add(new Rule(r.library(), r.osTypes(), r.archs(), r.locales(), r.from(), r.below(), r.recommended(),
                    r.recommended2(), r.minimum(), r.downloadUrl(), "rule-" + out.size()));
        }
        return out;
    }

    @Provide
    Arbitrary<Scenario> scenario() {
        Arbitrary<List<Rule>> rules = rule().list().ofMaxSize(8).map(VersionPolicyPropertyTest::numbered);
        Arbitrary<UnknownClients> unknown = Arbitraries.of(UnknownClients.Mode.class)
                .map(m -> new UnknownClients(m, "http://unknown.example/dl", "http://unknown.example/info"));
        Arbitrary<ClientVersion> ceiling = Arbitraries.of("16.4.3528.0331", "8.5.1302", "7.0", "99.0")
                .map(ClientVersion::of);
        return Combinators.combine(rules, unknown, ceiling).as(Scenario::new);
    }

    @Provide
    Arbitrary<ClientInfo> client() {
        return Combinators.combine(Arbitraries.of(LOCALES), Arbitraries.of(OS), Arbitraries.of(ARCH),
                        Arbitraries.of(CLIENT_LIBRARIES), Arbitraries.of(BUILDS))
                .as((lcid, os, arch, lib, build) -> Clients.client(lcid, os, arch, lib, build));
    }

    /** The policy as its documentation states it, with no index. */
    static Decision naive(Scenario s, ClientInfo c) {
        Optional<ClientVersion> v = c.parsedVersion();
        if (v.isPresent() && s.ceiling().isBelow(v.get())) {
            return unknown(s.unknown(), c);
        }
        for (Rule r : s.rules()) {
            if (!r.library().equals("*") && !r.library().equalsIgnoreCase(c.library())) {
                continue;
            }
            if (!r.osTypes().isEmpty() && r.osTypes().stream().noneMatch(o -> o.equalsIgnoreCase(c.osType()))) {
                continue;
            }
            if (!r.archs().isEmpty() && r.archs().stream().noneMatch(a -> a.equalsIgnoreCase(c.arch()))) {
                continue;
            }
            if (!r.locales().isEmpty() && !r.locales().contains(c.locale())) {
                continue;
            }
            if (v.isEmpty()) {
                if (r.from().isPresent() || r.below().isPresent()) {
                    continue;
                }
            } else {
                if (r.from().isPresent() && v.get().isBelow(r.from().get())) {
                    continue;
                }
                if (r.below().isPresent() && !v.get().isBelow(r.below().get())) {
                    continue;
                }
            }
            Verdict verdict = v.isEmpty() ? Verdict.UNKNOWN
                    : v.get().isBelow(r.minimum()) ? Verdict.BELOW_MINIMUM
                    : v.get().isBelow(r.recommended()) ? Verdict.UPGRADE_OFFERED
                    : Verdict.CURRENT;
            return new Decision.Answer(r.recommended().text(), r.recommended2().text(), r.minimum().text(),
                    r.downloadUrl(), r.infoUrl(), verdict);
        }
        return unknown(s.unknown(), c);
    }

    private static Decision unknown(UnknownClients u, ClientInfo c) {
        return switch (u.mode()) {
            case REJECT_420 -> new Decision.Reject(org.msnp.dispatch.protocol.ErrorCode.INVITE_REQUIRED);
            case PLACEHOLDER -> new Decision.Answer("1.0.0000", "1.0.0000", c.version(),
                    DownloadUrl.fixed(u.downloadUrl()), u.infoUrl(), Verdict.UNKNOWN);
            case ECHO -> new Decision.Answer(c.version(), c.version(), c.version(), DownloadUrl.fixed(u.downloadUrl()),
                    u.infoUrl(), Verdict.UNKNOWN);
        };
    }

    /** A decision as text, with the download URL resolved for the client's locale. */
    static String describe(Decision d, ClientInfo c) {
        if (d instanceof Decision.Answer a) {
            return String.join(" ", a.recommended(), a.recommended2(), a.minimum(), a.downloadUrl().resolve(c.locale()),
                    a.infoUrl(), a.verdict().label());
        }
        return ((Decision.Reject) d).error().text();
    }

    @Property(tries = 2000)
    void decideIsTheFirstMatchingRule(@ForAll("scenario") Scenario s, @ForAll("client") ClientInfo c) {
        VersionPolicy policy = new VersionPolicy(s.rules(), s.unknown(), s.ceiling());
        assertThat(describe(policy.decide(c), c))
                .as("%s\nclient %s %s/%s %s %s", s, Lcid.format(c.locale()), c.osType(), c.arch(), c.library(), c.version())
                .isEqualTo(describe(naive(s, c), c));
    }

    @Property(tries = 300)
    void everyClientOfOnePolicyGetsTheSameAnswerAsWhenAskedAlone(@ForAll("scenario") Scenario s,
                                                                 @ForAll("client") ClientInfo a,
                                                                 @ForAll("client") ClientInfo b) {
        // The policy is shared by every connection: asking for one client must not change another's answer.
        VersionPolicy policy = new VersionPolicy(s.rules(), s.unknown(), s.ceiling());
        String first = describe(policy.decide(a), a);
        describe(policy.decide(b), b);
        assertThat(describe(policy.decide(a), a)).isEqualTo(first);
    }
}

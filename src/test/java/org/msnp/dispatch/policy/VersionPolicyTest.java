package org.msnp.dispatch.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.msnp.dispatch.policy.Clients.client;
import static org.msnp.dispatch.policy.Clients.policy;
import static org.msnp.dispatch.policy.Clients.reject420;
import static org.msnp.dispatch.policy.Clients.rule;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;
import org.msnp.dispatch.protocol.ErrorCode;

/** CVR/CVQ client report in, answer out (cvq-cvr.md §4-§6). */
class VersionPolicyTest {

    /** The info URL of the rule that answered, or the error. */
    private static String answeredBy(VersionPolicy p, ClientInfo c) {
        Decision d = p.decide(c);
        if (d instanceof Decision.Answer a) {
            return a.infoUrl();
        }
        return ((Decision.Reject) d).error().text();
    }

    private static Decision.Answer answer(VersionPolicy p, ClientInfo c) {
        Decision d = p.decide(c);
        assertThat(d).isInstanceOf(Decision.Answer.class);
        return (Decision.Answer) d;
    }

    @Nested
    class RuleOrder {
        @Test
        void theFirstMatchingRuleWinsEvenWhenALaterOneIsMoreSpecific() {
            VersionPolicy p = policy(
                    rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "first"),
                    rule("MSNMSGR", List.of("winnt"), List.of("i386"), List.of(0x0409), null, null, "7.0.0813", "6.2.0205", "specific"));
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("first");
        }

        @Test
        void aRuleThatDoesNotCoverTheClientIsPassedOver() {
            VersionPolicy p = policy(
                    rule("MSNMSGR", List.of("mac"), List.of(), List.of(), null, null, "7.0.0813", "6.2.0205", "mac-only"),
                    rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "everyone"));
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("everyone");
            assertThat(answeredBy(p, client(0x0409, "mac", "ppc", "MSNMSGR", "6.0.0602"))).isEqualTo("mac-only");
        }

        @Test
        void librariesAreComparedWithoutRegardToCase() {
            VersionPolicy p = policy(rule("msnmsgr", null, null, "7.0.0813", "6.2.0205", "lower"),
                    rule("MSMSGS", null, null, "5.0.0537", "1.0.0863", "msmsgs"));
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("lower");
            assertThat(answeredBy(p, client("MsnMsgr", "6.0.0602"))).isEqualTo("lower");
            assertThat(answeredBy(p, client("msmsgs", "4.7.0041"))).isEqualTo("msmsgs");
            assertThat(answeredBy(p, client("MSNMSGRX", "6.0.0602"))).isEqualTo("420");
        }

        @Test
        void rulesForTheSameLibraryInDifferentCaseKeepTheirOrder() {
            VersionPolicy p = policy(rule("MSNMSGR", "7.0", null, "7.0.0813", "6.2.0205", "upper-7"),
                    rule("msnmsgr", null, null, "7.0.0813", "6.2.0205", "lower-all"),
                    rule("MsnMsgr", null, null, "7.0.0813", "6.2.0205", "never"));
            assertThat(answeredBy(p, client("MSNMSGR", "7.5.0324"))).isEqualTo("upper-7");
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("lower-all");
        }

        @Test
        void theWildcardTakesItsPlaceAmongLibraryRulesInConfigOrder() {
            VersionPolicy p = policy(
                    rule("MSNMSGR", "7.0", null, "7.0.0813", "7.0.0813", "msnmsgr-7"),
                    rule("*", List.of("mac"), List.of(), List.of(), null, null, "3.5.1", "1.0", "any-mac"),
                    rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "msnmsgr-rest"),
                    rule("*", null, null, "1.0.0000", "1.0.0000", "any"));
            assertThat(answeredBy(p, client("MSNMSGR", "7.0.0813"))).isEqualTo("msnmsgr-7");
            assertThat(answeredBy(p, client(0x0409, "mac", "ppc", "MSNMSGR", "6.0.0602"))).isEqualTo("any-mac");
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("msnmsgr-rest");
            assertThat(answeredBy(p, client(0x0409, "mac", "ppc", "macmsgs", "3.5.1"))).isEqualTo("any-mac");
            assertThat(answeredBy(p, client("YCOMM", "0.1.0023"))).isEqualTo("any");
        }

        @Test
        void aWildcardBeforeEveryLibraryRuleShadowsThem() {
            VersionPolicy p = policy(rule("*", null, null, "1.0.0000", "1.0.0000", "any"),
                    rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "shadowed"));
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("any");
        }

        @Test
        void noRulesAtAllMeansEveryClientIsUnknown() {
            assertThat(answeredBy(policy(), client("MSNMSGR", "6.0.0602"))).isEqualTo("420");
        }
    }

    @Nested
    class Ranges {
        final VersionPolicy p = policy(
                rule("MSNMSGR", "6.0.0602", "7.0", "7.0.0813", "6.2.0205", "six"),
                rule("MSNMSGR", "7.0", null, "7.5.0324", "7.0.0813", "seven-up"),
                rule("MSNMSGR", null, "6.0.0602", "6.0.0602", "5.0.0537", "old"));

        @Test
        void fromIsInclusive() {
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0602"))).isEqualTo("six");
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.602"))).isEqualTo("six");
            assertThat(answeredBy(p, client("MSNMSGR", "7.0"))).isEqualTo("seven-up");
            assertThat(answeredBy(p, client("MSNMSGR", "7.0.0000.0000"))).isEqualTo("seven-up");
        }

        @Test
        void belowIsExclusive() {
            assertThat(answeredBy(p, client("MSNMSGR", "6.9.9999"))).isEqualTo("six");
            assertThat(answeredBy(p, client("MSNMSGR", "6.0.0601"))).isEqualTo("old");
            assertThat(answeredBy(p, client("MSNMSGR", "1.0.0863"))).isEqualTo("old");
        }

        @Test
        void openEndedRangesReachTheCeiling() {
            assertThat(answeredBy(p, client("MSNMSGR", "15.4.3502.0922"))).isEqualTo("seven-up");
            assertThat(answeredBy(p, client("MSNMSGR", "16.4.3528.0331"))).isEqualTo("seven-up");
        }

        @Test
        void aRangeThatRunsBackwardsIsRefused() {
            assertThatThrownBy(() -> rule("MSNMSGR", "7.0", "6.0", "7.0", "6.0", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 7.0 is not below 6.0");
            assertThatThrownBy(() -> rule("MSNMSGR", "7.0", "7.0.0", "7.0", "6.0", "x"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aMinimumAboveTheRecommendedBuildIsRefused() {
            assertThatThrownBy(() -> rule("MSNMSGR", null, null, "6.0.0602", "7.0.0813", "x"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("minimum 7.0.0813 is above recommended 6.0.0602");
        }
    }

    @Nested
    class PlatformFilters {
        final VersionPolicy p = policy(
                rule("MSNMSGR", List.of("winnt"), List.of(), List.of(), null, null, "7.0.0813", "6.2.0205", "nt"),
                rule("MSNMSGR", List.of(), List.of("ppc"), List.of(), null, null, "7.0.0813", "6.2.0205", "ppc"),
                rule("MSNMSGR", List.of(), List.of(), List.of(0x0804, 0x040c), null, null, "14.0.8117", "14.0.8117", "cn-fr"),
                rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "rest"));

        @Test
        void osType() {
            assertThat(answeredBy(p, client(0x0409, "winnt", "i386", "MSNMSGR", "6.0.0602"))).isEqualTo("nt");
            assertThat(answeredBy(p, client(0x0409, "WINNT", "i386", "MSNMSGR", "6.0.0602"))).isEqualTo("nt");
            assertThat(answeredBy(p, client(0x0409, "win", "i386", "MSNMSGR", "6.0.0602"))).isEqualTo("rest");
        }

        @Test
        void arch() {
            assertThat(answeredBy(p, client(0x0409, "mac", "ppc", "MSNMSGR", "6.0.0602"))).isEqualTo("ppc");
            assertThat(answeredBy(p, client(0x0409, "mac", "PPC", "MSNMSGR", "6.0.0602"))).isEqualTo("ppc");
            assertThat(answeredBy(p, client(0x0409, "mac", "i386", "MSNMSGR", "6.0.0602"))).isEqualTo("rest");
        }

        @Test
        void locale() {
            assertThat(answeredBy(p, client(0x0804, "win", "i386", "MSNMSGR", "15.4.3508.1109"))).isEqualTo("cn-fr");
            assertThat(answeredBy(p, client(0x040c, "win", "i386", "MSNMSGR", "15.4.3508.1109"))).isEqualTo("cn-fr");
            assertThat(answeredBy(p, client(0x0412, "win", "i386", "MSNMSGR", "15.4.3508.1109"))).isEqualTo("rest");
        }
    }

    @Nested
    class Ceiling {
        @Test
        void theDefaultCeilingIsTheLastMessengerBuild() {
            assertThat(VersionPolicy.DEFAULT_CEILING).isEqualTo(ClientVersion.of("16.4.3528.0331"));
        }

        @Test
        void aBuildAboveTheCeilingIsUnknownEvenToTheWildcard() {
            // V040: MSNMSGR 99.9.9999
            VersionPolicy p = policy(rule("*", null, null, "7.0.0813", "6.2.0205", "any"));
            assertThat(answeredBy(p, client("MSNMSGR", "99.9.9999"))).isEqualTo("420");
            assertThat(answeredBy(p, client("MSNMSGR", "16.4.3528.0332"))).isEqualTo("420");
            assertThat(answeredBy(p, client("MSNMSGR", "16.4.3528.0331"))).isEqualTo("any");
        }

        @Test
        void aConfiguredCeilingApplies() {
            VersionPolicy p = new VersionPolicy(List.of(rule("*", null, null, "7.0.0813", "6.2.0205", "any")),
                    reject420(), ClientVersion.of("8.0"));
            assertThat(answeredBy(p, client("MSNMSGR", "8.0.0.0"))).isEqualTo("any");
            assertThat(answeredBy(p, client("MSNMSGR", "8.0.0001"))).isEqualTo("420");
            assertThat(p.ceiling()).isEqualTo(ClientVersion.of("8"));
        }

        @Test
        void theCeilingDoesNotApplyToABuildThatDoesNotParse() {
            VersionPolicy p = new VersionPolicy(List.of(rule("MSG80BETA", null, null, "8.0.0328", "8.0.0290", "beta")),
                    reject420(), ClientVersion.of("1.0"));
            assertThat(answeredBy(p, client("MSG80BETA", "b.0.0328"))).isEqualTo("beta");
        }
    }

    @Nested
    class UnparseableBuilds {
        @Test
        void onlyMatchRulesWithoutAVersionRange() {
            // V044: MSG80BETA b.0.0328
            VersionPolicy p = policy(
                    rule("MSG80BETA", "8.0", null, "8.0.0566", "8.0.0566", "ranged"),
                    rule("MSG80BETA", null, "9.0", "8.0.0566", "8.0.0566", "below-only"),
                    rule("MSG80BETA", null, null, "8.0.0328", "8.0.0290", "unranged"));
            Decision.Answer a = answer(p, client("MSG80BETA", "b.0.0328"));
            assertThat(a.infoUrl()).isEqualTo("unranged");
            assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
            assertThat(a.recommended()).isEqualTo("8.0.0328");
            assertThat(a.minimum()).isEqualTo("8.0.0290");
        }

        @Test
        void withOnlyRangedRulesTheClientIsUnknown() {
            VersionPolicy p = policy(rule("MSG80BETA", "1.0", null, "8.0.0566", "8.0.0566", "ranged"));
            assertThat(answeredBy(p, client("MSG80BETA", "b.0.0328"))).isEqualTo("420");
        }
    }

    @Nested
    class Verdicts {
        final VersionPolicy p = policy(rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "r"));

        @Test
        void current() {
            assertThat(answer(p, client("MSNMSGR", "7.0.0813")).verdict()).isEqualTo(Verdict.CURRENT);
            assertThat(answer(p, client("MSNMSGR", "7.0.813")).verdict()).isEqualTo(Verdict.CURRENT);
            assertThat(answer(p, client("MSNMSGR", "8.0.0787")).verdict()).isEqualTo(Verdict.CURRENT);
        }

        @Test
        void upgradeOffered() {
            assertThat(answer(p, client("MSNMSGR", "7.0.0812")).verdict()).isEqualTo(Verdict.UPGRADE_OFFERED);
            assertThat(answer(p, client("MSNMSGR", "6.2.0205")).verdict()).isEqualTo(Verdict.UPGRADE_OFFERED);
        }

        @Test
        void belowMinimum() {
            assertThat(answer(p, client("MSNMSGR", "6.2.0204")).verdict()).isEqualTo(Verdict.BELOW_MINIMUM);
            assertThat(answer(p, client("MSNMSGR", "6.0.0602")).verdict()).isEqualTo(Verdict.BELOW_MINIMUM);
        }

        @Test
        void theAnswerCarriesTheRulesTextNotTheClients() {
            // V038: CVQ 2 7.0.0813 7.0.0813 6.2.0205 ...
            Decision.Answer a = answer(p, client("MSNMSGR", "6.0.0602"));
            assertThat(a.recommended()).isEqualTo("7.0.0813");
            assertThat(a.recommended2()).isEqualTo("7.0.0813");
            assertThat(a.minimum()).isEqualTo("6.2.0205");
            assertThat(a.downloadUrl().resolve(0x0409)).isEqualTo("http://dl.example/r");
            assertThat(a.infoUrl()).isEqualTo("r");
        }

        @Test
        void labels() {
            assertThat(Verdict.CURRENT.label()).isEqualTo("current");
            assertThat(Verdict.UPGRADE_OFFERED.label()).isEqualTo("upgrade-offered");
            assertThat(Verdict.BELOW_MINIMUM.label()).isEqualTo("below-minimum");
            assertThat(Verdict.UNKNOWN.label()).isEqualTo("unknown");
        }
    }

    @Nested
    class UnknownClientModes {
        final List<Rule> rules = List.of(rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "r"));

        private VersionPolicy with(UnknownClients.Mode mode) {
            return new VersionPolicy(rules, new UnknownClients(mode, "http://example.invalid/dl", "http://example.invalid/info"),
                    VersionPolicy.DEFAULT_CEILING);
        }

        @Test
        void reject420() {
            // V041: YCOMM 0.1.0023
            assertThat(with(UnknownClients.Mode.REJECT_420).decide(client("YCOMM", "0.1.0023")))
                    .isEqualTo(new Decision.Reject(ErrorCode.INVITE_REQUIRED));
        }

        @Test
        void placeholder() {
            // V045: CVR 2 1.0.0000 1.0.0000 1.2.0003 http://example.invalid/dl http://example.invalid/info
            Decision.Answer a = answer(with(UnknownClients.Mode.PLACEHOLDER), client("MYCLIENT", "1.2.0003"));
            assertThat(List.of(a.recommended(), a.recommended2(), a.minimum(), a.downloadUrl().resolve(0x0409), a.infoUrl()))
                    .containsExactly("1.0.0000", "1.0.0000", "1.2.0003", "http://example.invalid/dl", "http://example.invalid/info");
            assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
        }

        @Test
        void placeholderForABuildThatDoesNotParse() {
            // P023
            Decision.Answer a = answer(with(UnknownClients.Mode.PLACEHOLDER), client("OTHERLIB", "b.0.0328"));
            assertThat(List.of(a.recommended(), a.recommended2(), a.minimum()))
                    .containsExactly("1.0.0000", "1.0.0000", "b.0.0328");
        }

        @Test
        void echo() {
            // P016: msnpjs 1.0.0
            Decision.Answer a = answer(with(UnknownClients.Mode.ECHO), client("msnpjs", "1.0.0"));
            assertThat(List.of(a.recommended(), a.recommended2(), a.minimum(), a.downloadUrl().resolve(0x0412), a.infoUrl()))
                    .containsExactly("1.0.0", "1.0.0", "1.0.0", "http://example.invalid/dl", "http://example.invalid/info");
            assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
        }

        @Test
        void echoAnswersAnImpossibleBuildWithItself() {
            Decision.Answer a = answer(with(UnknownClients.Mode.ECHO), client("MSNMSGR", "99.9.9999"));
            assertThat(a.recommended()).isEqualTo("99.9.9999");
        }

        @Test
        void aKnownClientIsNotAffectedByTheMode() {
            for (UnknownClients.Mode m : UnknownClients.Mode.values()) {
                assertThat(answer(with(m), client("MSNMSGR", "6.0.0602")).infoUrl()).as(m.name()).isEqualTo("r");
            }
        }
    }

    @Test
    void forLibraryBuildsAnUnrestrictedRule() {
        Rule r = Rule.forLibrary("MSNMSGR", "6.0.0602", "6.0.0602", "6.0.0268", "http://x/dl", "http://x/info");
        assertThat(r.osTypes()).isEmpty();
        assertThat(r.from()).isEqualTo(Optional.empty());
        VersionPolicy p = policy(r);
        assertThat(answer(p, client(0x0804, "mac", "ppc", "msnmsgr", "6.0.0268")).verdict())
                .isEqualTo(Verdict.UPGRADE_OFFERED);
    }

    @Test
    void thePolicyKeepsWhatItWasBuiltFrom() {
        Rule r = rule("MSNMSGR", null, null, "7.0.0813", "6.2.0205", "r");
        VersionPolicy p = new VersionPolicy(List.of(r), reject420(), VersionPolicy.DEFAULT_CEILING);
        assertThat(p.rules()).containsExactly(r);
        assertThat(p.unknownClients().mode()).isEqualTo(UnknownClients.Mode.REJECT_420);
    }

    @Test
    void aLibraryNameIsMatchedAsWrittenWhateverItsLetters() {
        VersionPolicy p = new VersionPolicy(List.of(Rule.forLibrary("straße", "1.0", "1.0", "1.0", "http://x/dl", "http://x/info")),
                reject420(), VersionPolicy.DEFAULT_CEILING);
        assertThat(p.decide(client("straße", "1.0"))).isInstanceOf(Decision.Answer.class);
        assertThat(p.decide(client("STRASSE", "1.0"))).isEqualTo(new Decision.Reject(ErrorCode.INVITE_REQUIRED));
    }

    @Test
    void perLocaleDownloadUrlsReachTheAnswer() {
        Rule r = new Rule("MSNMSGR", List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                ClientVersion.of("14.0.8117"), ClientVersion.of("14.0.8117"), ClientVersion.of("14.0.8117"),
                DownloadUrl.of("http://dl.example/{lang}/wlsetup.exe", Map.of(0x0804, "http://dl.example/fr/wlsetup-cvr.exe")),
                "http://download.live.com/?sku=messenger");
        VersionPolicy p = policy(r);
        // V024: an LCID 0x0804 client got the /fr/ installer (ACL)
        assertThat(answer(p, client(0x0804, "winnt", "i386", "MSNMSGR", "15.4.3508.1109")).downloadUrl().resolve(0x0804))
                .isEqualTo("http://dl.example/fr/wlsetup-cvr.exe");
        assertThat(answer(p, client(0x0409, "winnt", "i386", "MSNMSGR", "15.4.3508.1109")).downloadUrl().resolve(0x0409))
                .isEqualTo("http://dl.example/en-us/wlsetup.exe");
    }
}

package org.msnp.dispatch.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.Verdict;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.ErrorCode;
import org.msnp.dispatch.protocol.XfrState;

/** What a finished conversation says about itself: the fields of the connection log line. */
class DispatchSessionSummaryTest {

    @Test
    void xfr() {
        Conversation c = new Conversation();
        assertThat(c.c("VER 1 MSNP8 CVR0")).containsExactly("VER 1 MSNP8 CVR0");
        assertThat(c.c("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0813 MSMSGS example@hotmail.com"))
                .containsExactly("CVR 2 7.0.0813 7.0.0813 6.2.0205 http://example.invalid/dl http://messenger.msn.com");
        assertThat(c.c("USR 3 TWN I example@hotmail.com")).containsExactly("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        assertThat(c.closed()).isTrue();

        DispatchSession.Summary s = c.summary();
        assertThat(s.outcomeLabel()).isEqualTo("xfr");
        assertThat(s.dialect()).isEqualTo("MSNP8");
        assertThat(s.referredTo()).contains(Conversation.NS);
        assertThat(s.client()).hasValueSatisfying(ci -> {
            assertThat(ci.library()).isEqualTo("MSNMSGR");
            assertThat(ci.version()).isEqualTo("7.0.0813");
            assertThat(ci.localeText()).isEqualTo("0x0409");
        });
        assertThat(s.verdict()).contains(Verdict.CURRENT);
        assertThat(s.error()).isEmpty();
        assertThat(s.dropReason()).isEmpty();
    }

    @Test
    void xfrOfAnOutdatedClientIsStillXfr() {
        Conversation c = new Conversation();
        c.c("VER 1 MSNP8 CVR0");
        c.c("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com");
        c.c("USR 3 TWN I example@hotmail.com");
        assertThat(c.outcome()).isEqualTo("xfr");
        assertThat(c.summary().verdict()).contains(Verdict.BELOW_MINIMUM);
    }

    @Test
    void rejected715() {
        // V007
        Conversation c = new Conversation();
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.c("VER 2 MSNP8 CVR0")).containsExactly("715 2");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("rejected-715");
        assertThat(c.summary().error()).contains(ErrorCode.NOT_EXPECTED);
    }

    @Test
    void rejected420() {
        // V045 under reject-420
        Conversation c = new Conversation();
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.c("CVR 2 0x0409 winnt 5.1 i386 MYCLIENT 1.2.0003 MYCLIENT me@example.com")).containsExactly("420 2");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("rejected-420");
        assertThat(c.summary().verdictLabel()).as("an unknown client").isEqualTo("unknown");
        assertThat(c.summary().client()).map(ci -> ci.library()).contains("MYCLIENT");
    }

    @Test
    void rejected710() {
        // P008
        Conversation c = new Conversation();
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.c("CVR 2 0x1111 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com")).containsExactly("710 2");
        assertThat(c.c("USR 3 TWN I a@example.com")).isEmpty();
        assertThat(c.outcome()).isEqualTo("rejected-710");
        assertThat(c.summary().client()).isEmpty();
    }

    @Test
    void rejected731() {
        // V043
        Conversation c = new Conversation(Conversation.context(
                SessionRules.defaults().withDialects(EnumSet.range(Dialect.MSNP2, Dialect.MSNP7)),
                UnknownClients.Mode.REJECT_420, NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        assertThat(c.c("VER 1 MSNP8 CVR0")).containsExactly("VER 1 CVR0");
        assertThat(c.c("CVQ 6 spaghetti")).containsExactly("731 6");
        assertThat(c.outcome()).isEqualTo("rejected-731");
        assertThat(c.summary().dialect()).isEqualTo("CVR0");
    }

    @Test
    void rejected731ForCvrInALegacyLogin() {
        // V019
        Conversation c = new Conversation();
        c.c("VER 1 MSNP7 CVR0");
        assertThat(c.c("CVR 2 0x0409 win 4.10 i386 MSMSGS 4.7.0041 MSMSGS")).containsExactly("731 2");
        assertThat(c.outcome()).isEqualTo("rejected-731");
        assertThat(c.summary().dialect()).isEqualTo("MSNP7");
    }

    @Test
    void rejected931AndNoNotificationServer() {
        Conversation foreign = new Conversation(Conversation.context(SessionRules.defaults(), UnknownClients.Mode.ECHO,
                NotificationServers.fixed(Conversation.NS), new ForeignHandles(List.of("*@elsewhere.example"))));
        foreign.c("VER 1 MSNP15 CVR0");
        assertThat(foreign.c("USR 2 SSO I Someone@Elsewhere.Example")).containsExactly("931 2");
        assertThat(foreign.outcome()).isEqualTo("rejected-931");

        Conversation none = new Conversation(Conversation.context(SessionRules.defaults(), UnknownClients.Mode.ECHO,
                NotificationServers.none(), ForeignHandles.NONE));
        none.c("VER 1 MSNP8 CVR0");
        assertThat(none.c("USR 3 TWN I example@hotmail.com")).containsExactly("600 3");
        assertThat(none.outcome()).isEqualTo("rejected-600");
        assertThat(none.summary().referredTo()).isEmpty();
    }

    @Test
    void upgradeOffered() {
        Conversation c = new Conversation();
        c.c("VER 1 MSNP12 CVR0");
        assertThat(c.c("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.2.0205 MSMSGS example@hotmail.com"))
                .containsExactly("CVR 2 7.0.0813 7.0.0813 6.2.0205 http://example.invalid/dl http://messenger.msn.com");
        assertThat(c.closed()).isFalse();
        assertThat(c.outcome()).as("the verdict is not the outcome").isEqualTo("cvr-answered");
        assertThat(c.summary().verdict()).contains(Verdict.UPGRADE_OFFERED);
    }

    @Test
    void belowMinimum() {
        Conversation c = new Conversation();
        c.c("VER 1 MSNP12 CVR0");
        c.c("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com");
        assertThat(c.closed()).isFalse();
        assertThat(c.outcome()).isEqualTo("cvr-answered");
        assertThat(c.summary().verdictLabel()).isEqualTo("below-minimum");
        // third-party clients ignore the minimum and log in: the verdict stays beside the outcome
        c.c("USR 3 TWN I example@hotmail.com");
        assertThat(c.outcome()).isEqualTo("xfr");
        assertThat(c.summary().verdictLabel()).isEqualTo("below-minimum");
    }

    @Test
    void cvrAnsweredForACurrentOrUnratedClient() {
        Conversation current = new Conversation();
        current.c("VER 1 MSNP12 CVR0");
        current.c("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.5.0324 MSMSGS example@hotmail.com");
        assertThat(current.outcome()).isEqualTo("cvr-answered");

        Conversation echo = new Conversation(Conversation.context(SessionRules.defaults(), UnknownClients.Mode.ECHO,
                NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        echo.c("VER 1 MSNP12 CVR0");
        assertThat(echo.c("CVR 2 0x0412 Linux 6.18.44-fc-v782 amd64 msnpjs 1.0.0 msnpjs someone@example.com"))
                .containsExactly("CVR 2 1.0.0 1.0.0 1.0.0 http://example.invalid/unknown-dl http://example.invalid/unknown-info");
        assertThat(echo.outcome()).isEqualTo("cvr-answered");
        assertThat(echo.summary().verdict()).contains(Verdict.UNKNOWN);
    }

    @Test
    void ver0() {
        // V001
        Conversation c = new Conversation();
        assertThat(c.c("VER 1 DISREGARDANCE FOR A REAL PROTOCOL")).containsExactly("VER 1 0");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("no-common-dialect");
        assertThat(c.summary().dialect()).isEqualTo("-");
        assertThat(c.summary().offered()).contains("DISREGARDANCE,FOR,A,REAL,PROTOCOL");
    }

    @Test
    void theCvr0FallbackAnsweredWithCvrIsNoCommonDialect() {
        // clients.md point 9: a third-party client offered CVR0, gets it, and sends CVR
        Conversation c = new Conversation(Conversation.context(
                SessionRules.defaults().withDialects(EnumSet.range(Dialect.MSNP13, Dialect.MSNP18)),
                UnknownClients.Mode.ECHO, NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        assertThat(c.c("VER 1 MSNP9 MSNP8 CVR0")).containsExactly("VER 1 CVR0");
        assertThat(c.c("CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com")).containsExactly("715 2");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("no-common-dialect");
        assertThat(c.summary().error()).contains(org.msnp.dispatch.protocol.ErrorCode.NOT_EXPECTED);
        assertThat(c.summary().offered()).contains("MSNP9,MSNP8,CVR0");
        assertThat(c.summary().dialect()).isEqualTo("CVR0");
    }

    @Test
    void withoutTheCvr0FallbackNoCommonDialectIsVer0AtOnce() {
        Conversation c = new Conversation(Conversation.context(
                SessionRules.defaults().withDialects(EnumSet.range(Dialect.MSNP13, Dialect.MSNP18)).withCvr0Fallback(false),
                UnknownClients.Mode.ECHO, NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        assertThat(c.c("VER 1 MSNP9 MSNP8 CVR0")).containsExactly("VER 1 0");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("no-common-dialect");
        assertThat(c.summary().offered()).contains("MSNP9,MSNP8,CVR0");
    }

    @Test
    void aCommonDialectRecordsNoOfferedList() {
        Conversation c = new Conversation();
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.summary().offered()).isEmpty();
    }

    @Test
    void cvqAnswered() {
        // V039
        Conversation c = new Conversation(Conversation.context(
                SessionRules.defaults().withDialects(EnumSet.range(Dialect.MSNP2, Dialect.MSNP8)),
                UnknownClients.Mode.REJECT_420, NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        assertThat(c.c("VER 1 MSNP10 MSNP9 CVR0")).containsExactly("VER 1 CVR0");
        assertThat(c.c("CVQ 2 0x0409 winnt 5.1 i386 MSNMSGR 6.1.0211 MSMSGS example@hotmail.com"))
                .containsExactly("CVQ 2 7.0.0813 7.0.0813 6.2.0205 http://example.invalid/dl http://messenger.msn.com");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("cvq-answered");
        assertThat(c.summary().dialect()).isEqualTo("CVR0");
        assertThat(c.summary().verdict()).contains(Verdict.BELOW_MINIMUM);
    }

    @Test
    void droppedWithItsReason() {
        record Case(List<String> lines, String reason) {
        }
        List<Case> cases = List.of(
                new Case(List.of("USR 1 TWN I example@hotmail.com"), "before-ver"),              // V049
                new Case(List.of("XFR 2 NS"), "before-ver"),                                      // V050
                new Case(List.of("VER 1 MSNP7 CVR0", "SYN 2 0"), "unknown-command"),              // V032
                new Case(List.of("VER 1 MSNP8 CVR0", ""), "unknown-command"),
                new Case(List.of("VER 1 MSNP8 CVR0", "INF 2"), "inf-in-msnp8+"),                 // V029
                new Case(List.of("VER 1 MSNP8 CVR0", "USR 2 MD5 I example@hotmail.com"), "md5-in-msnp8+"), // P020
                new Case(List.of("VER 1 MSNP8 CVR0", "USR 9 BAD I example@hotmail.com"), "unknown-package"), // V030
                new Case(List.of("VER 1 MSNP8 CVR0", "USR 2 TWN I"), "usr-without-handle"),      // P015
                new Case(List.of("VER 1 MSNP8 CVR0", "USR 2"), "usr-without-package"),
                new Case(List.of("VER 1 MSNP8 CVR0", "CVR abc 0x0409"), "bad-trid"));
        for (Case k : cases) {
            Conversation c = new Conversation();
            List<String> last = List.of();
            for (String line : k.lines()) {
                last = c.c(line);
            }
            assertThat(last).as("%s", k.lines()).isEmpty();
            assertThat(c.closed()).as("%s", k.lines()).isTrue();
            assertThat(c.outcome()).as("%s", k.lines()).isEqualTo("dropped");
            assertThat(c.summary().dropReason()).as("%s", k.lines()).contains(k.reason());
        }
    }

    @Test
    void verWithoutTrIdIsDroppedForItsTrId() {
        Conversation c = new Conversation();
        assertThat(c.c("VER MSNP8 CVR0")).isEmpty();
        assertThat(c.summary().dropReason()).contains("bad-trid");
    }

    @Test
    void out() {
        // P003
        Conversation c = new Conversation();
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.c("OUT")).containsExactly("OUT");
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("out");
    }

    @Test
    void outWithoutTheReply() {
        // P002
        SessionRules quiet = new SessionRules(EnumSet.allOf(Dialect.class), VerReplyStyle.ECHO_CVR0, false, List.of("MD5"),
                RemovedCommand.CLOSE, RemovedCommand.CLOSE, false, ErrorCode.SERVER_BUSY, true);
        Conversation c = new Conversation(Conversation.context(quiet, UnknownClients.Mode.ECHO,
                NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.c("OUT")).isEmpty();
        assertThat(c.closed()).isTrue();
        assertThat(c.outcome()).isEqualTo("out");
    }

    @Test
    void incomplete() {
        Conversation fresh = new Conversation();
        assertThat(fresh.outcome()).isEqualTo("incomplete");
        assertThat(fresh.summary().dialect()).isEqualTo("-");
        assertThat(fresh.session().isPastVer()).isFalse();

        Conversation afterVer = new Conversation();
        afterVer.c("VER 1 MSNP8 CVR0");
        assertThat(afterVer.outcome()).isEqualTo("incomplete");
        assertThat(afterVer.session().isPastVer()).isTrue();
        assertThat(afterVer.session().isClosed()).isFalse();

        Conversation afterInf = new Conversation();
        afterInf.c("VER 1 MSNP7 CVR0");
        assertThat(afterInf.c("INF 2")).containsExactly("INF 2 MD5");
        assertThat(afterInf.outcome()).isEqualTo("incomplete");
    }

    @Test
    void a502KeepsTheConversationGoing() {
        // P001
        SessionRules esc = new SessionRules(EnumSet.allOf(Dialect.class), VerReplyStyle.ECHO_CVR0, false, List.of("MD5"),
                RemovedCommand.ERROR_502, RemovedCommand.ERROR_502, true, ErrorCode.SERVER_BUSY, true);
        Conversation c = new Conversation(Conversation.context(esc, UnknownClients.Mode.ECHO,
                NotificationServers.fixed(Conversation.NS), ForeignHandles.NONE));
        c.c("VER 1 MSNP8 CVR0");
        assertThat(c.c("INF 2")).containsExactly("502 2");
        assertThat(c.c("USR 3 MD5 I example@hotmail.com")).containsExactly("502 3");
        assertThat(c.closed()).isFalse();
        assertThat(c.c("USR 4 TWN I example@hotmail.com")).containsExactly("XFR 4 NS 10.0.0.5:1863 0 10.0.0.1:1863");
        assertThat(c.outcome()).isEqualTo("xfr");
    }

    @Test
    void nothingIsAnsweredAfterAClosingStep() {
        // V054: ACL's "Out" after the referral, and anything else
        Conversation c = new Conversation();
        c.c("VER 1 MSNP15 CVR0");
        c.c("USR 3 SSO I example@hotmail.com");
        assertThat(c.closed()).isTrue();
        for (String line : List.of("Out", "OUT", "VER 4 MSNP15 CVR0", "USR 5 SSO I example@hotmail.com",
                "CVR 6 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0813", "INF 7", "")) {
            Step s = c.session().handle(org.msnp.dispatch.protocol.Command.parse(line));
            assertThat(s.replies()).as(line).isEmpty();
            assertThat(s.close()).as(line).isTrue();
        }
        assertThat(c.outcome()).isEqualTo("xfr");
        assertThat(c.session().isClosed()).isTrue();
    }

    @Test
    void theMsnp21StateCountsTheReferral() {
        // V026
        Conversation c = new Conversation();
        c.c("VER 1 MSNP21 MSNP20 MSNP19 MSNP18 MSNP17 CVR0");
        c.c("CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 15.4.3502.0922 MSNMSGR mypassport@hotmail.com VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==");
        assertThat(c.c("USR 3 SSO I mypassport@hotmail.com"))
                .containsExactly("XFR 3 NS 10.0.0.5:1863 U D VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDINCg==");
    }

    @Test
    void theReferralCountNeverGoesNegative() {
        String state = Base64.getEncoder().encodeToString(
                "Version: 1\r\nXfrCount: 2147483647\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Conversation c = new Conversation();
        c.c("VER 1 MSNP21 CVR0");
        c.c("CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 15.4.3502.0922 MSNMSGR a@example.com " + state);
        List<String> xfr = c.c("USR 3 SSO I a@example.com");
        assertThat(xfr).hasSize(1);
        String token = xfr.get(0).substring(xfr.get(0).lastIndexOf(' ') + 1);
        assertThat(new String(Base64.getDecoder().decode(token), StandardCharsets.ISO_8859_1)).doesNotContain("-");
        assertThat(XfrState.xfrCount(Optional.of(token))).isPositive();
    }
}

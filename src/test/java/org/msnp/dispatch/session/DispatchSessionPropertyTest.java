package org.msnp.dispatch.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.ErrorCode;
import org.msnp.dispatch.protocol.Reply;

/** Whatever a client sends, the session answers at most one line per command and nothing after it closed. */
class DispatchSessionPropertyTest {
    private static final List<String> LINES = List.of(
            "VER 1 MSNP8 CVR0", "VER 1 MSNP21 MSNP20 CVR0", "VER 1 MSNP7 MSNP6 CVR0", "VER 2 MSNP2 CVR0", "VER 1 CVR0",
            "VER 1 MYPROTOCOL", "VER MSNP8", "VER 4294967296 MSNP8", "VER 1", "INF 2", "INF 2 ",
            "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com",
            "CVR 2 0x1111 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com",
            "CVR 2 0x0409 winnt 5.1 i386 MYCLIENT 1.2.0003 MYCLIENT me@example.com",
            "CVR 3 0x0409 win 4.10 i386 MSMSGS 4.7.0041 MSMSGS",
            "CVQ 2 0x0409 winnt 5.1 i386 MSNMSGR 6.1.0211 MSMSGS example@hotmail.com", "CVQ 6 spaghetti",
            "CVQ 2 0x0409 winnt 5.1 i386 MSG80BETA b.0.0328 msmsgs email@addr.ess",
            "USR 3 TWN I example@hotmail.com", "USR 3 SSO I example@hotmail.com", "USR 3 MD5 I example@hotmail.com",
            "USR 3 CTP I example@hotmail.com", "USR 9 BAD I example@hotmail.com", "USR 3 TWN S t=ticket", "USR 3 TWN I",
            "USR 3", "USR 3 SSO I someone@elsewhere.example", "OUT", "Out", "SYN 2 0", "", "  ", "XFR 2 NS");

    @Provide
    Arbitrary<List<String>> conversations() {
        return Arbitraries.of(LINES).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<DispatchContext> contexts() {
        Arbitrary<SessionRules> rules = Arbitraries.of(VerReplyStyle.class).flatMap(style ->
                Arbitraries.of(RemovedCommand.class).flatMap(removed -> Arbitraries.of(true, false).flatMap(out ->
                        Arbitraries.of(EnumSet.range(Dialect.MSNP2, Dialect.MSNP21), EnumSet.range(Dialect.MSNP8, Dialect.MSNP21),
                                        EnumSet.range(Dialect.MSNP2, Dialect.MSNP7), EnumSet.noneOf(Dialect.class))
                                .map(d -> new SessionRules(d, style, out, List.of("MD5"), removed, removed, out,
                                        ErrorCode.SERVER_BUSY, out)))));
        Arbitrary<UnknownClients.Mode> unknown = Arbitraries.of(UnknownClients.Mode.class);
        Arbitrary<NotificationServers> ns = Arbitraries.of(NotificationServers.fixed(Conversation.NS), NotificationServers.none());
        return rules.flatMap(r -> unknown.flatMap(u -> ns.map(n -> Conversation.context(r, u, n,
                new ForeignHandles(List.of("*@elsewhere.example"))))));
    }

    @Property(tries = 1000)
    void nothingIsAnsweredAfterAClosingStep(@ForAll("contexts") DispatchContext context,
                                            @ForAll("conversations") List<String> lines) {
        DispatchSession session = new DispatchSession(context, Conversation.SELF);
        boolean closed = false;
        String outcomeAtClose = null;
        for (String line : lines) {
            Step step = session.handle(Command.parse(line));
            assertThat(step.replies()).as(line).hasSizeLessThanOrEqualTo(1);
            if (closed) {
                assertThat(step.replies()).as("after close: %s", line).isEmpty();
                assertThat(step.close()).isTrue();
                assertThat(session.summary().outcomeLabel()).isEqualTo(outcomeAtClose);
            }
            for (Reply r : step.replies()) {
                assertThat(r.line()).matches("(VER|INF|CVR|CVQ|XFR) \\d+( \\S+)+|OUT|\\d{3} \\d+");
            }
            if (step.close() && !closed) {
                closed = true;
                outcomeAtClose = session.summary().outcomeLabel();
                assertThat(outcomeAtClose).isNotEqualTo("incomplete");
            }
            assertThat(session.isClosed()).isEqualTo(closed);
        }
    }
}

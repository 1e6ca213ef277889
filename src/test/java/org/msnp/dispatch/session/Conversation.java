package org.msnp.dispatch.session;

import java.util.ArrayList;
import java.util.List;
import org.msnp.dispatch.policy.Rule;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;

/** One client's side of a dispatch conversation, line by line, as the transcripts read. */
final class Conversation {
    static final HostPort SELF = HostPort.parse("10.0.0.1:1863");
    static final HostPort NS = HostPort.parse("10.0.0.5:1863");
    /** vectors.txt V038's MSNMSGR entry. */
    static final Rule MSNMSGR = Rule.forLibrary("MSNMSGR", "7.0.0813", "7.0.0813", "6.2.0205",
            "http://example.invalid/dl", "http://messenger.msn.com");

    private final DispatchSession session;
    private boolean closed;
    private final List<Step> steps = new ArrayList<>();

    Conversation(DispatchContext context) {
        this.session = new DispatchSession(context, SELF);
    }

    /** MSNP2..MSNP21, MSNMSGR known, other clients 420, everyone referred to 10.0.0.5:1863. */
    Conversation() {
        this(context(SessionRules.defaults().withDialects(java.util.EnumSet.range(Dialect.MSNP2, Dialect.MSNP21)),
                UnknownClients.Mode.REJECT_420, NotificationServers.fixed(NS), ForeignHandles.NONE));
    }

    static DispatchContext context(SessionRules rules, UnknownClients.Mode unknown, NotificationServers servers,
                                   ForeignHandles foreign) {
        VersionPolicy policy = new VersionPolicy(List.of(MSNMSGR),
                new UnknownClients(unknown, "http://example.invalid/unknown-dl", "http://example.invalid/unknown-info"),
                VersionPolicy.DEFAULT_CEILING);
        return new DispatchContext(rules, policy, servers, foreign);
    }

    /** Sends {@code line} (without CR LF) and returns the server's lines. */
    List<String> c(String line) {
        Step step = session.handle(Command.parse(line));
        steps.add(step);
        if (step.close()) {
            closed = true;
        }
        return step.replies().stream().map(Reply::line).toList();
    }

    boolean closed() {
        return closed;
    }

    DispatchSession session() {
        return session;
    }

    DispatchSession.Summary summary() {
        return session.summary();
    }

    String outcome() {
        return session.summary().outcomeLabel();
    }

    List<Step> steps() {
        return steps;
    }
}

package org.msnp.dispatch.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.msnp.dispatch.policy.Decision;
import org.msnp.dispatch.policy.Verdict;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.ErrorCode;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.protocol.XfrLayout;
import org.msnp.dispatch.protocol.XfrState;

/**
 * One client's dispatch conversation: the state machine of dispatch-server.md §5. A command in,
 * a {@link Step} out; no I/O. The whole of vectors.txt runs against this class without sockets.
 *
 * <p>Rules beyond the table of §5, chosen where the sources are silent:
 * <ul>
 *   <li>login verbs (VER, INF, CVR, CVQ, USR) at the wrong time: 715 and close; any other verb,
 *       a blank line or a login verb without a valid TrID: close without a reply (§4.8, V032);</li>
 *   <li>after any error reply but 502 the connection closes, because real clients carry on regardless
 *       (clients.md §3);</li>
 *   <li>USR without a preceding INF (MSNP2–7) or CVR (MSNP8+) is accepted (V017, V056).</li>
 * </ul>
 * Not thread-safe: a connection feeds its session from one thread.
 */
public final class DispatchSession {

    private enum State { AWAIT_VER, CVR0_ONLY, LEGACY, CURRENT, CLOSED }

    private final DispatchContext context;
    private final SessionRules rules;
    private final HostPort current;

    private State state = State.AWAIT_VER;
    private Dialect dialect;
    private boolean fallbackOnly;
    private boolean infAnswered;
    private boolean cvrAnswered;
    private boolean infDisabled;
    private boolean md5Disabled;
    private ClientInfo client;
    private Verdict verdict;
    private Outcome outcome = Outcome.NONE;
    private ErrorCode error;
    private HostPort referredTo;
    private String dropReason;
    private String offered;

    /**
     * @param current the address of this server as the client reached it, named in MSNP7–12 XFR
     */
    public DispatchSession(DispatchContext context, HostPort current) {
        this.context = context;
        this.rules = context.rules();
        this.current = current;
    }

    /** True once VER has been answered (or the conversation ended). */
    public boolean isPastVer() {
        return state != State.AWAIT_VER;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    public Step handle(Command command) {
        if (state == State.CLOSED) {
            return Step.SILENT_CLOSE;
        }
        if (command instanceof Command.Out) {
            outcome = Outcome.OUT;
            return rules.outReply() ? close(Step.replyAndClose(new Reply.Out())) : close(Step.SILENT_CLOSE);
        }
        if (command instanceof Command.Ver ver) {
            return state == State.AWAIT_VER ? ver(ver) : wrongTime(ver.trId());
        }
        if (command instanceof Command.NoTrId) {
            return drop("bad-trid");
        }
        if (state == State.AWAIT_VER) {
            return drop("before-ver");
        }
        if (command instanceof Command.Inf inf) {
            return inf(inf);
        }
        if (command instanceof Command.Cvr cvr) {
            return cvr(cvr);
        }
        if (command instanceof Command.Cvq cvq) {
            return cvq(cvq);
        }
        if (command instanceof Command.Usr usr) {
            return usr(usr);
        }
        return drop("unknown-command");
    }

    // --- VER (§4.1) -------------------------------------------------------------------------

    private Step ver(Command.Ver ver) {
        boolean offeredCvr0 = false;
        int best = -1;
        List<String> offeredNames = ver.offered();
        // indexed: no iterator per VER
        for (int i = 0; i < offeredNames.size(); i++) {
            String name = offeredNames.get(i);
            if (name.equals(Dialect.CVR0) || (rules.dialectNamesIgnoreCase() && name.equalsIgnoreCase(Dialect.CVR0))) {
                offeredCvr0 = true;
                continue;
            }
            int n = Dialect.number(name, rules.dialectNamesIgnoreCase());
            if (n > best && rules.dialects().contains(Dialect.ofNumber(n))) {
                best = n;
            }
        }
        if (best < 0) {
            outcome = Outcome.NO_COMMON_DIALECT;
            offered = offeredText(ver.offered());
            if (offeredCvr0 && rules.cvr0Fallback()) {
                state = State.CVR0_ONLY;
                fallbackOnly = true;
                return Step.reply(new Reply.Ver(ver.trId(), List.of(Dialect.CVR0)));
            }
            return close(Step.replyAndClose(new Reply.Ver(ver.trId(), List.of("0"))));
        }
        dialect = Dialect.ofNumber(best);
        state = dialect.isLegacy() ? State.LEGACY : State.CURRENT;
        return Step.reply(new Reply.Ver(ver.trId(), verNames(ver.offered(), offeredCvr0)));
    }

    /** At most {@value #MAX_OFFERED} names, comma-separated, for the log: the client's own text. */
    private static String offeredText(List<String> names) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size() && i < MAX_OFFERED; i++) {
            if (i > 0) {
                b.append(',');
            }
            String n = names.get(i);
            b.append(n, 0, Math.min(n.length(), 16));
        }
        if (names.size() > MAX_OFFERED) {
            b.append(",…");
        }
        return b.toString();
    }

    private static final int MAX_OFFERED = 12;

    private List<String> verNames(List<String> offered, boolean offeredCvr0) {
        switch (rules.verReply()) {
            case SINGLE:
                return List.of(dialect.name());
            case CVR0_FIRST:
                return offeredCvr0 ? List.of(Dialect.CVR0, dialect.name()) : List.of(dialect.name());
            case ECHO_ALL: {
                List<String> names = new ArrayList<>();
                for (int n = dialect.number(); n >= 2; n--) {
                    Dialect d = Dialect.ofNumber(n);
                    if (rules.dialects().contains(d) && offers(offered, d)) {
                        names.add(d.name());
                    }
                }
                if (offeredCvr0) {
                    names.add(Dialect.CVR0);
                }
                return names;
            }
            default:
                return offeredCvr0 ? List.of(dialect.name(), Dialect.CVR0) : List.of(dialect.name());
        }
    }

    private boolean offers(List<String> offered, Dialect d) {
        for (int i = 0; i < offered.size(); i++) {
            if (Dialect.number(offered.get(i), rules.dialectNamesIgnoreCase()) == d.number()) {
                return true;
            }
        }
        return false;
    }

    // --- INF (§4.2) -------------------------------------------------------------------------

    private Step inf(Command.Inf inf) {
        if (state == State.CVR0_ONLY) {
            return wrongTime(inf.trId());
        }
        if (state == State.CURRENT) {
            return removed(rules.infMsnp8Plus(), inf.trId(), "inf-in-msnp8+");
        }
        if (infAnswered) {
            return wrongTime(inf.trId());
        }
        infAnswered = true;
        List<String> packages = dialect == Dialect.MSNP2 ? rules.infMsnp2() : List.of("MD5");
        return Step.reply(new Reply.Inf(inf.trId(), packages));
    }

    // --- CVR / CVQ (cvq-cvr.md) -------------------------------------------------------------

    private Step cvr(Command.Cvr cvr) {
        if (state == State.LEGACY) {
            // HYPO20: CVR before the first USR of an MSNP2–7 login.
            return reject(ErrorCode.NOT_EXPECTED_CVR, cvr.trId());
        }
        if (state == State.CVR0_ONLY || cvrAnswered) {
            return wrongTime(cvr.trId());
        }
        Step step = versionCheck("CVR", cvr.trId(), cvr.params());
        if (!step.close()) {
            cvrAnswered = true;
        }
        return step;
    }

    private Step cvq(Command.Cvq cvq) {
        if (state != State.CVR0_ONLY) {
            return wrongTime(cvq.trId());
        }
        Step step = versionCheck("CVQ", cvq.trId(), cvq.params());
        if (step.close()) {
            return step;
        }
        outcome = Outcome.CVQ_ANSWERED;
        return close(new Step(step.replies(), true));
    }

    private Step versionCheck(String verb, String trId, List<String> params) {
        ClientInfo.Reading reading = ClientInfo.read(params);
        if (reading instanceof ClientInfo.Invalid invalid) {
            return reject(invalid.error(), trId);
        }
        client = ((ClientInfo.Valid) reading).info();
        Decision decision = context.policy().decide(client);
        if (decision instanceof Decision.Reject r) {
            if (r.error() == ErrorCode.INVITE_REQUIRED) {
                verdict = Verdict.UNKNOWN;
            }
            return reject(r.error(), trId);
        }
        Decision.Answer a = (Decision.Answer) decision;
        verdict = a.verdict();
        return Step.reply(new Reply.VersionAnswer(verb, trId, a.recommended(), a.recommended2(), a.minimum(),
                a.downloadUrl().resolve(client.locale()), a.infoUrl()));
    }

    // --- USR (§4.5) and the referral (§4.6) ------------------------------------------------

    private Step usr(Command.Usr usr) {
        if (state == State.CVR0_ONLY) {
            return wrongTime(usr.trId());
        }
        List<String> p = usr.params();
        if (p.isEmpty()) {
            return drop("usr-without-package");
        }
        String pkg = p.get(0);
        if (!dialect.acceptsPackage(pkg)) {
            if (pkg.equals("MD5") && !dialect.isLegacy()) {
                return removed(rules.md5Msnp8Plus(), usr.trId(), "md5-in-msnp8+");
            }
            return drop("unknown-package");
        }
        if (p.size() < 2 || !p.get(1).equals("I")) {
            // USR … S (or any later step) belongs to the NS: the DS never authenticates.
            return wrongTime(usr.trId());
        }
        if (p.size() < 3) {
            return drop("usr-without-handle");
        }
        String handle = p.get(2);
        if (context.foreignHandles().contains(handle)) {
            return reject(ErrorCode.WRONG_SERVER, usr.trId());
        }
        Optional<HostPort> ns = context.servers().select(handle);
        if (ns.isEmpty()) {
            return reject(rules.noNotificationServer(), usr.trId());
        }
        referredTo = ns.get();
        outcome = Outcome.XFR;
        XfrLayout layout = dialect.xfrLayout();
        Optional<String> xfrState = Optional.empty();
        if (layout == XfrLayout.U_D_STATE) {
            Optional<String> sent = client == null ? Optional.empty() : client.xfrState();
            xfrState = Optional.of(XfrState.encode(XfrState.xfrCount(sent) + 1));
        }
        return close(Step.replyAndClose(new Reply.Xfr(usr.trId(), referredTo, layout, current, xfrState)));
    }

    // --- endings ----------------------------------------------------------------------------

    /**
     * INF or MD5 after an MSNP8+ VER. With the 502 switch the first of each is answered and the
     * connection stays; a repeat is a wrong-time command, so a client cannot make the server
     * answer forever.
     */
    private Step removed(RemovedCommand how, String trId, String reason) {
        if (how == RemovedCommand.ERROR_502) {
            boolean inf = reason.startsWith("inf");
            if (inf ? infDisabled : md5Disabled) {
                return wrongTime(trId);
            }
            if (inf) {
                infDisabled = true;
            } else {
                md5Disabled = true;
            }
            error = ErrorCode.COMMAND_DISABLED;
            return Step.reply(new Reply.Error(ErrorCode.COMMAND_DISABLED, trId));
        }
        return drop(reason);
    }

    private Step wrongTime(String trId) {
        return reject(ErrorCode.NOT_EXPECTED, trId);
    }

    private Step reject(ErrorCode code, String trId) {
        // under the CVR0 fallback, anything but CVQ is the client not speaking a dialect we serve
        outcome = state == State.CVR0_ONLY && code == ErrorCode.NOT_EXPECTED ? Outcome.NO_COMMON_DIALECT : Outcome.REJECTED;
        error = code;
        return close(Step.replyAndClose(new Reply.Error(code, trId)));
    }

    private Step drop(String reason) {
        outcome = Outcome.DROPPED;
        dropReason = reason;
        return close(Step.SILENT_CLOSE);
    }

    private Step close(Step step) {
        state = State.CLOSED;
        return step;
    }

    // --- what the log and the metrics read ----------------------------------------------------

    public Summary summary() {
        String d = dialect != null ? dialect.name() : fallbackOnly ? Dialect.CVR0 : "-";
        return new Summary(d, Optional.ofNullable(client), outcome, Optional.ofNullable(verdict),
                Optional.ofNullable(error), Optional.ofNullable(referredTo), Optional.ofNullable(dropReason),
                Optional.ofNullable(offered));
    }

    /**
     * @param dialect the negotiated dialect, {@code CVR0} for the fallback, {@code -} before VER
     * @param verdict how the policy rated the client's build, independent of the outcome (a client
     *                below the minimum may still be referred: third-party clients ignore the minimum)
     * @param offered the dialects the client offered, when none was in common (the client's text)
     */
    public record Summary(String dialect, Optional<ClientInfo> client, Outcome outcome, Optional<Verdict> verdict,
                          Optional<ErrorCode> error, Optional<HostPort> referredTo, Optional<String> dropReason,
                          Optional<String> offered) {

        /**
         * {@code xfr}, {@code rejected-715}, {@code no-common-dialect}, {@code cvr-answered} (the
         * version was answered and the client went away), {@code incomplete}, … (docs/operations.md).
         */
        public String outcomeLabel() {
            switch (outcome) {
                case REJECTED:
                    return "rejected-" + error.map(ErrorCode::text).orElse("?");
                case NONE:
                    return client.isPresent() ? "cvr-answered" : "incomplete";
                default:
                    return outcome.label();
            }
        }

        /** {@code current}, {@code upgrade-offered}, {@code below-minimum}, {@code unknown}, or {@code none}. */
        public String verdictLabel() {
            return verdict.map(Verdict::label).orElse("none");
        }
    }
}

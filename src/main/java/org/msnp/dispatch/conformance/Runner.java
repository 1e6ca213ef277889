package org.msnp.dispatch.conformance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.msnp.dispatch.conformance.Vectors.Block;
import org.msnp.dispatch.conformance.Vectors.Pattern;
import org.msnp.dispatch.conformance.Vectors.Step;

/** Replays one transcript block against a {@link Peer} and says whether the peer conformed. */
public final class Runner {

    /**
     * @param reply how long to wait for an expected line
     * @param quiet how long silence must last for {@code S-}, and how long {@code S?} and
     *              {@code !close?} wait
     * @param open  how long the connection must stay open for {@code !open}
     * @param close how long to wait for the server to close for {@code !close}
     */
    public record Timing(Duration reply, Duration quiet, Duration open, Duration close) {
        public static Timing standard() {
            return new Timing(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    public enum Status { PASS, FAIL, SKIP }

    /**
     * @param matched for each {@code S:} step, the index of the alternative the peer sent
     */
    public record Result(Block block, Status status, String detail, List<Integer> matched) {
        public String line() {
            return block.id() + " " + status.name().toLowerCase() + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** Any alternative is accepted. */
    public static final int ANY = -1;

    private Runner() {
    }

    /**
     * Runs {@code block}. With {@code alternative} ≥ 0 every {@code S:} group that offers several
     * alternatives must be answered with that one; with {@link #ANY}, any of them will do.
     */
    public static Result run(Block block, Peer peer, Timing timing, int alternative) {
        List<Integer> matched = new ArrayList<>();
        Peer.Read pending = null;
        int stepNo = 0;
        try {
            for (Step step : block.steps()) {
                stepNo++;
                if (step instanceof Step.Send send) {
                    if (pending instanceof Peer.Line l) {
                        return fail(block, matched, stepNo, "unexpected line '" + l.text() + "' before C: " + send.shown());
                    }
                    try {
                        peer.send(send.bytes());
                    } catch (IOException e) {
                        return fail(block, matched, stepNo, "could not send '" + send.shown() + "': " + e.getMessage());
                    }
                } else if (step instanceof Step.Expect expect) {
                    Peer.Read r = pending != null ? pending : peer.read(timing.reply());
                    pending = null;
                    String want = describe(expect.alternatives(), alternative);
                    if (r instanceof Peer.Eof) {
                        return fail(block, matched, stepNo, "connection closed; expected " + want);
                    }
                    if (r instanceof Peer.Nothing) {
                        return fail(block, matched, stepNo, "no reply within " + timing.reply().toMillis() + " ms; expected " + want);
                    }
                    Peer.Line line = (Peer.Line) r;
                    int index = matchIndex(expect.alternatives(), line.text(), alternative);
                    if (index < 0) {
                        return fail(block, matched, stepNo, "got '" + line.text() + "', expected " + want);
                    }
                    if (!line.crlf()) {
                        return fail(block, matched, stepNo, "'" + line.text() + "' ended in a bare LF, not CR LF");
                    }
                    matched.add(index);
                } else if (step instanceof Step.Optional opt) {
                    Peer.Read r = pending != null ? pending : peer.read(timing.quiet());
                    pending = null;
                    if (r instanceof Peer.Line l && opt.pattern().matches(l.text())) {
                        continue;
                    }
                    if (!(r instanceof Peer.Nothing)) {
                        pending = r;
                    }
                } else if (step instanceof Step.Silence) {
                    Peer.Read r = pending != null ? pending : peer.read(timing.quiet());
                    pending = null;
                    if (r instanceof Peer.Line l) {
                        return fail(block, matched, stepNo, "expected no reply, got '" + l.text() + "'");
                    }
                    if (r instanceof Peer.Eof) {
                        pending = r;
                    }
                } else if (step instanceof Step.End end) {
                    switch (end.ending()) {
                        case CLOSE -> {
                            // The server may close at once, or wait for the client to close
                            // (vectors.txt "!close"): end the client's side and read to the end;
                            // anything the server still sends shows up as a line.
                            Peer.Read r = pending;
                            if (r == null) {
                                peer.closeOutput();
                                r = peer.read(timing.close());
                            }
                            pending = null;
                            if (r instanceof Peer.Line l) {
                                return fail(block, matched, stepNo, "expected the server to close, got '" + l.text() + "'");
                            }
                            if (r instanceof Peer.Nothing) {
                                return fail(block, matched, stepNo, "connection still open " + timing.close().toMillis()
                                        + " ms after the client closed its side; expected close");
                            }
                        }
                        case MAYBE_CLOSE -> {
                            Peer.Read r = pending != null ? pending : peer.read(timing.quiet());
                            pending = null;
                            if (r instanceof Peer.Line l) {
                                return fail(block, matched, stepNo, "expected close or silence, got '" + l.text() + "'");
                            }
                        }
                        case OPEN -> {
                            Peer.Read r = pending != null ? pending : peer.read(timing.open());
                            pending = null;
                            if (r instanceof Peer.Line l) {
                                return fail(block, matched, stepNo, "expected an open, quiet connection, got '" + l.text() + "'");
                            }
                            if (r instanceof Peer.Eof) {
                                return fail(block, matched, stepNo, "connection closed; expected it to stay open");
                            }
                        }
                        case CLIENT_CLOSE -> peer.close();
                    }
                }
            }
        } catch (IOException e) {
            return fail(block, matched, stepNo, "I/O error: " + e.getMessage());
        }
        return new Result(block, Status.PASS, "", List.copyOf(matched));
    }

    private static int matchIndex(List<Pattern> alternatives, String line, int alternative) {
        if (alternative >= 0 && alternatives.size() > 1) {
            int k = Math.min(alternative, alternatives.size() - 1);
            return alternatives.get(k).matches(line) ? k : -1;
        }
        for (int i = 0; i < alternatives.size(); i++) {
            if (alternatives.get(i).matches(line)) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(List<Pattern> alternatives, int alternative) {
        if (alternative >= 0 && alternatives.size() > 1) {
            return "'" + alternatives.get(Math.min(alternative, alternatives.size() - 1)) + "'";
        }
        StringBuilder b = new StringBuilder();
        for (Pattern p : alternatives) {
            if (b.length() > 0) {
                b.append(" or ");
            }
            b.append('\'').append(p).append('\'');
        }
        return b.toString();
    }

    private static Result fail(Block block, List<Integer> matched, int step, String why) {
        return new Result(block, Status.FAIL, "step " + step + ": " + why, List.copyOf(matched));
    }

    public static Result skip(Block block, String why) {
        return new Result(block, Status.SKIP, why, List.of());
    }
}

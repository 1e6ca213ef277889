package org.msnp.dispatch.protocol;

import java.util.List;

/**
 * One client line, read as the dispatch server sees it. The login vocabulary (VER, INF, CVR, CVQ,
 * USR, OUT) gets a record each; every other verb is {@link Other}. Parsing never fails: a line
 * that is not a well-formed login command becomes {@link Other} or {@link NoTrId}.
 */
public sealed interface Command {

    /** {@code VER t dialect…}: the names as offered, in the client's order. */
    record Ver(String trId, List<String> offered) implements Command {
    }

    /** {@code INF t}. */
    record Inf(String trId) implements Command {
    }

    /** {@code CVR t …}: the parameters after the TrID. */
    record Cvr(String trId, List<String> params) implements Command {
    }

    /** {@code CVQ t …}: the parameters after the TrID. */
    record Cvq(String trId, List<String> params) implements Command {
    }

    /** {@code USR t package I handle}: the parameters after the TrID. */
    record Usr(String trId, List<String> params) implements Command {
    }

    /** {@code OUT} (no TrID). */
    record Out() implements Command {
    }

    /** A login verb whose TrID is missing, not a number, or out of range (dispatch-server.md §2). */
    record NoTrId(String verb) implements Command {
    }

    /** Any other verb, an NS/SB command or garbage; also a blank line (verb ""). */
    record Other(String verb) implements Command {
    }

    /** Reads one line (without its line end). Tokens are separated by runs of SP or HT. */
    static Command parse(String line) {
        return of(Tokens.split(line));
    }

    /**
     * Reads the line held in {@code line[0, length)} (ISO-8859-1, without its line end), its words
     * taken from {@code cache} where it has them: the same command as {@link #parse(String)} gives.
     */
    static Command parse(byte[] line, int length, TokenCache cache) {
        return of(Tokens.split(line, length, cache));
    }

    private static Command of(String[] tokens) {
        if (tokens.length == 0) {
            return new Other("");
        }
        String verb = tokens[0];
        switch (verb) {
            case "OUT":
                return new Out();
            case "VER":
            case "INF":
            case "CVR":
            case "CVQ":
            case "USR":
                break;
            default:
                return new Other(verb);
        }
        if (tokens.length < 2 || !TrId.isValid(tokens[1])) {
            return new NoTrId(verb);
        }
        String trId = tokens[1];
        List<String> params = new Params(tokens);
        switch (verb) {
            case "VER":
                return new Ver(trId, params);
            case "INF":
                return new Inf(trId);
            case "CVR":
                return new Cvr(trId, params);
            case "CVQ":
                return new Cvq(trId, params);
            default:
                return new Usr(trId, params);
        }
    }
}

package org.msnp.dispatch.protocol;

import java.util.List;
import java.util.Optional;

/** One server line. {@link #line()} is the text without its CR LF. */
public sealed interface Reply {

    String line();

    /** {@code VER t name…} — the chosen dialect, then whatever the VER reply style adds; or {@code 0}. */
    record Ver(String trId, List<String> names) implements Reply {
        @Override
        public String line() {
            return "VER " + trId + ' ' + String.join(" ", names);
        }
    }

    /** {@code INF t MD5[ CTP]}. */
    record Inf(String trId, List<String> packages) implements Reply {
        @Override
        public String line() {
            return "INF " + trId + ' ' + String.join(" ", packages);
        }
    }

    /** {@code CVR|CVQ t recommended recommended-2 minimum download-url info-url} (cvq-cvr.md §4). */
    record VersionAnswer(String verb, String trId, String recommended, String recommended2, String minimum,
                         String downloadUrl, String infoUrl) implements Reply {
        @Override
        public String line() {
            return verb + ' ' + trId + ' ' + recommended + ' ' + recommended2 + ' ' + minimum + ' '
                    + downloadUrl + ' ' + infoUrl;
        }
    }

    /** {@code XFR t NS host:port …} in the layout of the negotiated dialect (dispatch-server.md §4.6). */
    record Xfr(String trId, HostPort ns, XfrLayout layout, HostPort current, Optional<String> state)
            implements Reply {
        @Override
        public String line() {
            StringBuilder b = ns.appendTo(new StringBuilder(64).append("XFR ").append(trId).append(" NS "));
            switch (layout) {
                case BARE:
                    break;
                case ZERO:
                    b.append(" 0");
                    break;
                case ZERO_CURRENT:
                    current.appendTo(b.append(" 0 "));
                    break;
                case U_D:
                    b.append(" U D");
                    break;
                case U_D_STATE:
                    b.append(" U D");
                    state.ifPresent(s -> b.append(' ').append(s));
                    break;
                default:
                    throw new AssertionError(layout);
            }
            return b.toString();
        }
    }

    /** {@code NNN t}. */
    record Error(ErrorCode code, String trId) implements Reply {
        @Override
        public String line() {
            return code.text() + ' ' + trId;
        }
    }

    /** {@code OUT}. */
    record Out() implements Reply {
        @Override
        public String line() {
            return "OUT";
        }
    }
}

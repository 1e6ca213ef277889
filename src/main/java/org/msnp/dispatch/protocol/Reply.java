package org.msnp.dispatch.protocol;

import java.util.List;
import java.util.Optional;

/**
 * One server line. {@link #line()} is the text without its CR LF; {@link #appendTo} puts the same
 * text in a builder the transport keeps, so that a reply on its way to the socket makes no string.
 */
public sealed interface Reply {

    /** Appends the line's text (without its CR LF) to {@code b} and returns {@code b}. */
    StringBuilder appendTo(StringBuilder b);

    default String line() {
        return appendTo(new StringBuilder(64)).toString();
    }

    private static StringBuilder words(StringBuilder b, List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(words.get(i));
        }
        return b;
    }

    /** {@code VER t name…} — the chosen dialect, then whatever the VER reply style adds; or {@code 0}. */
    record Ver(String trId, List<String> names) implements Reply {
        @Override
        public StringBuilder appendTo(StringBuilder b) {
            return words(b.append("VER ").append(trId).append(' '), names);
        }
    }

    /** {@code INF t MD5[ CTP]}. */
    record Inf(String trId, List<String> packages) implements Reply {
        @Override
        public StringBuilder appendTo(StringBuilder b) {
            return words(b.append("INF ").append(trId).append(' '), packages);
        }
    }

    /** {@code CVR|CVQ t recommended recommended-2 minimum download-url info-url} (cvq-cvr.md §4). */
    record VersionAnswer(String verb, String trId, String recommended, String recommended2, String minimum,
                         String downloadUrl, String infoUrl) implements Reply {
        @Override
        public StringBuilder appendTo(StringBuilder b) {
            return b.append(verb).append(' ').append(trId).append(' ').append(recommended).append(' ')
                    .append(recommended2).append(' ').append(minimum).append(' ').append(downloadUrl).append(' ')
                    .append(infoUrl);
        }
    }

    /** {@code XFR t NS host:port …} in the layout of the negotiated dialect (dispatch-server.md §4.6). */
    record Xfr(String trId, HostPort ns, XfrLayout layout, HostPort current, Optional<String> state)
            implements Reply {
        @Override
        public StringBuilder appendTo(StringBuilder b) {
            ns.appendTo(b.append("XFR ").append(trId).append(" NS "));
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
                    if (state.isPresent()) {
                        b.append(' ').append(state.get());
                    }
                    break;
                default:
                    throw new AssertionError(layout);
            }
            return b;
        }
    }

    /** {@code NNN t}. */
    record Error(ErrorCode code, String trId) implements Reply {
        @Override
        public StringBuilder appendTo(StringBuilder b) {
            return b.append(code.text()).append(' ').append(trId);
        }
    }

    /** {@code OUT}. */
    record Out() implements Reply {
        @Override
        public StringBuilder appendTo(StringBuilder b) {
            return b.append("OUT");
        }
    }
}

package org.msnp.dispatch.session;

import java.util.List;
import java.util.Locale;

/**
 * Accounts this service does not host; their USR is answered {@code 931} (dispatch-server.md §4.5).
 * A pattern is a handle ({@code someone@example.com}) or a whole domain ({@code *@example.com}),
 * compared without regard to case.
 */
public record ForeignHandles(List<String> patterns) {
    public static final ForeignHandles NONE = new ForeignHandles(List.of());

    public ForeignHandles {
        patterns = patterns.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList();
        for (String p : patterns) {
            if (p.indexOf('@') < 0 || p.indexOf(' ') >= 0 || (p.indexOf('*') >= 0 && !p.startsWith("*@"))) {
                throw new IllegalArgumentException("'" + p + "' is neither a handle (name@domain) nor *@domain");
            }
        }
    }

    public boolean contains(String handle) {
        if (patterns.isEmpty()) {
            return false;
        }
        for (String p : patterns) {
            if (p.startsWith("*@")) {
                int at = handle.lastIndexOf('@');
                if (at >= 0 && handle.regionMatches(true, at, p, 1, p.length() - 1)
                        && handle.length() - at == p.length() - 1) {
                    return true;
                }
            } else if (p.equalsIgnoreCase(handle)) {
                return true;
            }
        }
        return false;
    }
}

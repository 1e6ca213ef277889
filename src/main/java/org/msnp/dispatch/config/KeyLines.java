package org.msnp.dispatch.config;

import java.util.List;

/**
 * Finds the line of a key path ({@code version-policy}, {@code rules}, 1, {@code minimum}) in
 * block-style YAML text, so that an error found after a whole mapping was read (an unknown key,
 * a rule whose fields disagree) is reported where the key stands, not where the mapping ends.
 * Returns 0 when the path cannot be followed (flow style, a key that is absent).
 */
final class KeyLines {
    private KeyLines() {
    }

    static int find(String text, List<Object> path) {
        String[] lines = text.split("\n", -1);
        int at = -1;          // line of the current container (-1: the document)
        int column = -1;      // column of the current container's key or item dash
        boolean item = false; // the container is a list item whose first key shares its line
        for (Object segment : path) {
            if (segment instanceof Integer index) {
                int dash = -1;
                int count = -1;
                int found = -1;
                for (int i = at + 1; i < lines.length && found < 0; i++) {
                    int c = indent(lines[i]);
                    if (c < 0) {
                        continue;
                    }
                    boolean dashHere = lines[i].startsWith("-", c);
                    if (c < column || (c == column && !dashHere)) {
                        break;
                    }
                    if (dashHere && (dash < 0 || c == dash)) {
                        dash = c;
                        if (++count == index) {
                            found = i;
                        }
                    }
                }
                if (found < 0) {
                    return 0;
                }
                at = found;
                column = dash;
                item = true;
            } else {
                String name = (String) segment;
                int found = -1;
                int keyColumn = -1;
                for (int i = Math.max(at, 0); i < lines.length && found < 0; i++) {
                    String l = lines[i];
                    int c = indent(l);
                    if (c < 0) {
                        continue;
                    }
                    if (i == at && !item) {
                        continue;
                    }
                    if (i != at && c <= column) {
                        break;
                    }
                    int k = c;
                    if (l.startsWith("-", k)) {
                        k++;
                        while (k < l.length() && l.charAt(k) == ' ') {
                            k++;
                        }
                    }
                    if (l.startsWith(name, k) && l.substring(k + name.length()).stripLeading().startsWith(":")) {
                        found = i;
                        keyColumn = k;
                    }
                }
                if (found < 0) {
                    return 0;
                }
                at = found;
                column = keyColumn;
                item = false;
            }
        }
        return at + 1;
    }

    /** Column of the first character, or -1 for a blank or comment line. */
    private static int indent(String line) {
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch != ' ') {
                return ch == '#' || ch == '\r' ? -1 : i;
            }
        }
        return -1;
    }
}

package org.msnp.dispatch.config;

import java.util.EnumSet;
import java.util.Set;
import org.msnp.dispatch.protocol.Dialect;

/** {@code MSNP2..MSNP23}, {@code MSNP8}, or a comma list of those. */
public record DialectSet(String text, Set<Dialect> dialects) {
    public DialectSet {
        dialects = Set.copyOf(dialects);
    }

    public static DialectSet parse(String text) {
        EnumSet<Dialect> set = EnumSet.noneOf(Dialect.class);
        for (String part : text.split(",")) {
            String p = part.trim();
            int dots = p.indexOf("..");
            Dialect from = dialect(dots < 0 ? p : p.substring(0, dots));
            Dialect to = dots < 0 ? from : dialect(p.substring(dots + 2));
            if (to.compareTo(from) < 0) {
                throw new IllegalArgumentException("'" + p + "' runs backwards");
            }
            set.addAll(EnumSet.range(from, to));
        }
        return new DialectSet(text, set);
    }

    private static Dialect dialect(String name) {
        return Dialect.parse(name.trim(), false).orElseThrow(() -> new IllegalArgumentException(
                "'" + name.trim() + "' is not a dialect: write " + Dialect.FIRST + " … " + Dialect.LAST + ", a range such as MSNP8..MSNP21, or a comma list"));
    }

    @Override
    public String toString() {
        return text;
    }
}

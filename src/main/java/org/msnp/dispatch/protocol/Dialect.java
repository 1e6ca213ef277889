package org.msnp.dispatch.protocol;

import java.util.Optional;

/**
 * The real MSNP dialects a dispatch server can negotiate (dispatch-server.md §3).
 * {@code CVR0} is not a dialect but the version-query fallback; see {@link #CVR0}.
 */
public enum Dialect {
    MSNP2, MSNP3, MSNP4, MSNP5, MSNP6, MSNP7, MSNP8, MSNP9, MSNP10, MSNP11, MSNP12,
    MSNP13, MSNP14, MSNP15, MSNP16, MSNP17, MSNP18, MSNP19, MSNP20, MSNP21, MSNP22, MSNP23;

    /** The pseudo-dialect name a client lists to say it can fall back to CVQ. */
    public static final String CVR0 = "CVR0";

    private static final Dialect[] VALUES = values();
    /** The first and the last dialect: everything that names the range reads it from here. */
    public static final Dialect FIRST = VALUES[0];
    public static final Dialect LAST = VALUES[VALUES.length - 1];
    /** {@code MSNP2..MSNP23}: every dialect, as a configuration range. */
    public static final String ALL = FIRST.name() + ".." + LAST.name();

    public int number() {
        return ordinal() + 2;
    }

    public static Dialect ofNumber(int n) {
        if (n < FIRST.number() || n > LAST.number()) {
            throw new IllegalArgumentException("no dialect MSNP" + n + " (" + ALL + " exist)");
        }
        return VALUES[n - 2];
    }

    /**
     * Reads a dialect name as offered in VER. Names are case-sensitive unless
     * {@code ignoreCase} (dispatch-server.md §2, "Case").
     */
    public static Optional<Dialect> parse(String token, boolean ignoreCase) {
        int n = number(token, ignoreCase);
        return n < 0 ? Optional.empty() : Optional.of(VALUES[n - 2]);
    }

    /** The dialect number of {@code token}, or -1; allocation-free. */
    public static int number(String token, boolean ignoreCase) {
        int len = token.length();
        if (len < 5 || len > 6 || !token.regionMatches(ignoreCase, 0, "MSNP", 0, 4)) {
            return -1;
        }
        int n = 0;
        for (int i = 4; i < len; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        if (len == 6 && token.charAt(4) == '0') {
            return -1;
        }
        return n >= 2 && n <= VALUES.length + 1 ? n : -1;
    }

    /** MSNP2–7: INF then USR with MD5; CVR is not a DS command. */
    public boolean isLegacy() {
        return this.compareTo(MSNP8) < 0;
    }

    /** How the XFR NS referral is laid out in this dialect (dispatch-server.md §3). */
    public XfrLayout xfrLayout() {
        if (this == MSNP2) {
            return XfrLayout.BARE;
        }
        if (compareTo(MSNP7) < 0) {
            return XfrLayout.ZERO;
        }
        if (compareTo(MSNP13) < 0) {
            return XfrLayout.ZERO_CURRENT;
        }
        if (compareTo(MSNP21) < 0) {
            return XfrLayout.U_D;
        }
        return XfrLayout.U_D_STATE;
    }

    /** The security packages a client may name in {@code USR t pkg I handle} (§4.5). */
    public boolean acceptsPackage(String pkg) {
        switch (pkg) {
            case "MD5":
                return isLegacy();
            case "CTP":
                return this == MSNP2;
            case "TWN":
                return !isLegacy();
            case "SSO":
                return compareTo(MSNP15) >= 0;
            default:
                return false;
        }
    }
}

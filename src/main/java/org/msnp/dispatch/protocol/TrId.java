package org.msnp.dispatch.protocol;

/** Transaction ids: decimal 0…4294967295, echoed verbatim (dispatch-server.md §2, "TrID"). */
public final class TrId {
    private static final String MAX = "4294967295";

    private TrId() {
    }

    /** True when {@code token} is a decimal number in range; allocation-free. */
    public static boolean isValid(String token) {
        int len = token.length();
        if (len == 0 || len > MAX.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        if (len < MAX.length()) {
            return true;
        }
        return token.compareTo(MAX) <= 0;
    }
}

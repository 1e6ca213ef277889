package org.msnp.dispatch.protocol;

/** The shapes of {@code XFR t NS host:port …} across dialect families (dispatch-server.md §3, §4.6). */
public enum XfrLayout {
    /** MSNP2: {@code XFR t NS host:port}. */
    BARE,
    /** MSNP3–6: {@code XFR t NS host:port 0}. */
    ZERO,
    /** MSNP7–12: {@code XFR t NS host:port 0 current:port}. */
    ZERO_CURRENT,
    /** MSNP13–20: {@code XFR t NS host:port U D}. */
    U_D,
    /** MSNP21+: {@code XFR t NS host:port U D <base64 state>}. */
    U_D_STATE
}

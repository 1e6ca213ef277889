package org.msnp.dispatch.session;

/** The shapes of the VER reply the sources disagree on (dispatch-server.md §4.1). */
public enum VerReplyStyle {
    /** {@code VER t MSNP8 CVR0}: the chosen dialect, then CVR0 when the client offered it (HYPO21, PIKI). */
    ECHO_CVR0,
    /** {@code VER t MSNP8} (WIKI, DRAFT, ESC). */
    SINGLE,
    /** {@code VER t MSNP7 MSNP6 MSNP5 MSNP4 CVR0}: every offered dialect the server speaks, best first (HYPO20 capture). */
    ECHO_ALL,
    /** {@code VER t CVR0 MSNP8} (PIKI example; breaks parsers that read the first name). */
    CVR0_FIRST
}

package org.msnp.dispatch.session;

/** What to do with INF or USR MD5 in MSNP8+ (dispatch-server.md §4.2, §4.5). */
public enum RemovedCommand {
    /** Drop the connection without a reply (WIKI). */
    CLOSE,
    /** Answer {@code 502 t} (command disabled) and keep the connection (ESC). */
    ERROR_502
}

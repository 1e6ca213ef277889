package org.msnp.dispatch.bench;

/**
 * How a handshake ends: what the client does after the last reply of its script, and what counts
 * as the end.
 */
public enum Ending {
    /**
     * A dispatch server: after the last reply (XFR, or CVQ's answer) the client shuts its output,
     * as a client that follows the referral does, and the handshake ends at the server's close.
     */
    FOLLOW,
    /**
     * A client that never closes (clients.md point 7): after the last reply it waits, and the
     * handshake ends when the server closes. The time to the close is how long the server holds a
     * finished connection of such a client.
     */
    STAY,
    /**
     * A server that is Dispatch and Notification Server in one (dispatch-server.md §1): it answers
     * {@code USR … I} with its own authentication step, {@code USR t TWN S …}, {@code USR t SSO S …}
     * (behind a {@code GCF} policy block in MSNP13+) or {@code USR t MD5 S …}, and keeps the
     * connection. That line ends the handshake; the client closes, and the handshake counts when
     * the close is done.
     */
    DS_NS
}

package org.msnp.dispatch.observe;

/** Why a conversation's connection ended (docs/operations.md, the log's {@code end} field). */
public enum EndReason {
    /** The client closed: before the conversation ended, or within the close-wait after the closing reply. */
    CLIENT_CLOSED("client-closed"),
    /** The server closed at once: nothing had been sent, or {@code protocol.closing: at-once}. */
    SERVER_CLOSED("server-closed"),
    /** The client did not close within {@code limits.close-wait} after the closing reply. */
    CLOSE_WAIT("close-wait"),
    /** No VER within {@code limits.login-timeout}. */
    LOGIN_TIMEOUT("login-timeout"),
    /** No complete line within {@code limits.idle-timeout} after VER, or a gateway session left unused. */
    IDLE_TIMEOUT("idle-timeout"),
    /** A line longer than {@code limits.max-line-length}. */
    LINE_TOO_LONG("line-too-long"),
    /** Still open when the shutdown grace ran out. */
    SHUTDOWN("shutdown"),
    /** A socket error. */
    ERROR("error");

    private final String label;

    EndReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

package org.msnp.dispatch.session;

/** How a dispatch conversation ended, as written in the connection log and metrics. */
public enum Outcome {
    /** Still running, or ended without any of the below: {@code cvr-answered} or {@code incomplete}. */
    NONE("none"),
    /** Referred to a Notification Server. */
    XFR("xfr"),
    /** CVQ answered (the CVR0 fallback). */
    CVQ_ANSWERED("cvq-answered"),
    /**
     * No dialect in common: answered {@code VER t 0}, or {@code VER t CVR0} (the fallback) followed
     * by anything but CVQ, which gets 715. The log names the dialects the client offered.
     */
    NO_COMMON_DIALECT("no-common-dialect"),
    /** An error code was sent and the connection closed. */
    REJECTED("rejected"),
    /** Closed without a reply: an unknown or ill-formed command (dispatch-server.md §4.8). */
    DROPPED("dropped"),
    /** The client sent OUT. */
    OUT("out");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

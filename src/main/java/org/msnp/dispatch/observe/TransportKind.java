package org.msnp.dispatch.observe;

/** How a conversation reached the server: its own TCP listener, or the HTTP gateway. */
public enum TransportKind {
    TCP("tcp"), HTTP("http");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    /** As written in the log and on metric labels. */
    public String label() {
        return label;
    }
}

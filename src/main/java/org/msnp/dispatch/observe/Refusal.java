package org.msnp.dispatch.observe;

/**
 * Why a connection was turned away before its conversation began: the {@code reason} label of
 * {@code msnp_connections_refused_total} and of the refusal summary in the log.
 */
public enum Refusal {
    MAX_CONNECTIONS("max-connections"),
    PER_IP("max-connections-per-ip"),
    RATE("connection-rate"),
    /** A PROXY listener got a connection without a valid header. */
    PROXY_HEADER("proxy-header"),
    PROXY_HEADER_TIMEOUT("proxy-header-timeout"),
    /** A PROXY header from an address outside {@code proxy-protocol-trusted}. */
    UNTRUSTED_PROXY("untrusted-proxy"),
    /** A gateway request whose headers and body did not arrive within {@code gateway.request-timeout}. */
    REQUEST_TIMEOUT("request-timeout"),
    /** The process ran out of file descriptors when accepting. */
    OUT_OF_FILES("out-of-files"),
    /** Accepting failed for another reason. */
    ACCEPT_ERROR("accept-error"),
    /** Reset or failed before it was admitted. */
    ERROR("error");

    private final String label;

    Refusal(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

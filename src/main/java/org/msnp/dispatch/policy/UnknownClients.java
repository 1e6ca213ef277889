package org.msnp.dispatch.policy;

/**
 * What to answer a client no rule covers, or whose build is impossible (cvq-cvr.md §6, the
 * contradiction between WIKI, PIKI/NINA and ESC).
 */
public record UnknownClients(Mode mode, String downloadUrl, String infoUrl) {

    public enum Mode {
        /** {@code 420 t} (WIKI). */
        REJECT_420,
        /** {@code 1.0.0000 1.0.0000 <client's build> url url} (PIKI/NINA). */
        PLACEHOLDER,
        /** {@code <build> <build> <build> url url} (ESC). */
        ECHO
    }

    /** The placeholder's recommended versions: "no recommendation" (PIKI/NINA). */
    public static final String PLACEHOLDER_VERSION = "1.0.0000";
}

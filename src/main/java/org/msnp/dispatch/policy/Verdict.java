package org.msnp.dispatch.policy;

/** How a client's build compares with what the policy answers it. */
public enum Verdict {
    /** At or above the recommended build. */
    CURRENT("current"),
    /** Below recommended, at or above minimum: the client is offered the upgrade. */
    UPGRADE_OFFERED("upgrade-offered"),
    /** Below minimum: official clients disconnect and force the upgrade (cvq-cvr.md §4). */
    BELOW_MINIMUM("below-minimum"),
    /** The policy cannot rate the client: a build it cannot compare ({@code b.0.0328}), a client no rule covers (echo, placeholder or 420). */
    UNKNOWN("unknown");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}

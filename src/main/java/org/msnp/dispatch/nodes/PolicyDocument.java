package org.msnp.dispatch.nodes;

/** A published version and its text: the YAML document as it was published. */
public record PolicyDocument(PolicyVersion version, String config) {
    /** How a document is named in configuration errors: {@code policy version 7}. */
    public String source() {
        return "policy version " + version.version();
    }
}

package org.msnp.dispatch.nodes;

import java.time.Instant;

/**
 * One published version of the shared policy, without its text.
 *
 * @param version     1, 2, 3…: one more per publish (a rollback is a publish too)
 * @param publishedBy who published it ({@code --by}, by default the publisher's login name)
 * @param comment     why; may be empty
 * @param sha256      of the document's UTF-8 bytes, in lower-case hex
 */
public record PolicyVersion(long version, String publishedBy, Instant publishedAt, String comment, String sha256) {
}

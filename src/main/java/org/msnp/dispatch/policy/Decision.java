package org.msnp.dispatch.policy;

import org.msnp.dispatch.protocol.ErrorCode;

/** What the version policy answers a CVR or CVQ. */
public sealed interface Decision {

    /**
     * The five reply fields (cvq-cvr.md §4). The download URL may depend on the client's locale.
     */
    record Answer(String recommended, String recommended2, String minimum, DownloadUrl downloadUrl,
                  String infoUrl, Verdict verdict) implements Decision {
    }

    /** An error reply instead of an answer (420 for an unknown client). */
    record Reject(ErrorCode error) implements Decision {
    }
}

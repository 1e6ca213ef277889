package org.msnp.dispatch.census;

import java.time.Duration;
import org.msnp.dispatch.config.CensusConfig;

/** Census keys and settings the tests share. */
final class Keys {
    private Keys() {
    }

    static final CensusKey MSNP8_XFR = new CensusKey("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "winnt", "0x0409", "xfr", "current");
    static final CensusKey MSNP8_OLD = new CensusKey("tcp", "MSNP8", "MSNMSGR", "5.0.0540", "winnt", "0x0409", "xfr",
            "upgrade-offered");
    static final CensusKey CVR0_CVQ = new CensusKey("tcp", "CVR0", "MSMSGS", "4.7.3001", "win", "0x0411", "cvq-answered",
            "below-minimum");
    static final CensusKey HTTP_XFR = new CensusKey("http", "MSNP12", "MSNMSGR", "7.5.0324", "winnt", "0x0407", "xfr",
            "current");
    static final CensusKey NO_DIALECT = new CensusKey("tcp", "-", null, null, null, null, "no-common-dialect", "none");

    /** A key of the given build, otherwise like {@link #MSNP8_XFR}. */
    static CensusKey build(String build) {
        return new CensusKey("tcp", "MSNP8", "MSNMSGR", build, "winnt", "0x0409", "xfr", "current");
    }

    /** Flushes only when the test asks (the interval is an hour), default retention. */
    static CensusConfig settings(int maxKeysPerHour, int maxPendingKeys) {
        return new CensusConfig(true, null, null, null, null, null, Duration.ofHours(1), maxKeysPerHour, maxPendingKeys,
                null);
    }

    static CensusConfig settings() {
        return settings(2000, 100_000);
    }
}

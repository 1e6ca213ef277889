package org.msnp.dispatch.protocol;

import java.util.List;
import java.util.Optional;

/**
 * What a client says about itself in CVR or CVQ (cvq-cvr.md §2):
 * {@code locale os-type os-ver arch library client-version [client-id] [user-handle] [xfr-state]}.
 *
 * @param locale   the LCID, known to [MS-LCID]
 * @param version  the build as sent
 * @param parsedVersion the build as numbers; empty for builds like {@code b.0.0328}
 */
public record ClientInfo(int locale, String osType, String osVersion, String arch, String library,
                         String version, Optional<ClientVersion> parsedVersion, Optional<String> clientId,
                         Optional<String> handle, Optional<String> xfrState) {

    /** Fewest parameters: MSNP2/3 send six; MSNP4–7 a seventh that is empty (cvq-cvr.md §3). */
    public static final int MIN_PARAMS = 6;
    /** Most parameters: MSNP21 adds the redirect state as a ninth. */
    public static final int MAX_PARAMS = 9;

    /** The outcome of reading CVR/CVQ parameters: a client, or the error to answer. */
    public sealed interface Reading permits Valid, Invalid {
    }

    public record Valid(ClientInfo info) implements Reading {
    }

    public record Invalid(ErrorCode error) implements Reading {
    }

    private static final Invalid MALFORMED = new Invalid(ErrorCode.NOT_EXPECTED_CVR);
    private static final Invalid BAD_LOCALE = new Invalid(ErrorCode.BAD_CVR_PARAMETERS);

    /**
     * Reads the parameters after the TrID. The locale is checked first: WIKI's 710 example lacks
     * its arch token yet is answered 710, not 731 (cvq-cvr.md §3, "Oddity"). A locale that is not
     * hex at all, and too few or too many parameters, are malformed (731).
     */
    public static Reading read(List<String> params) {
        if (params.isEmpty()) {
            return MALFORMED;
        }
        int locale = Lcid.parse(params.get(0));
        if (locale == Lcid.MALFORMED) {
            return MALFORMED;
        }
        if (!Lcid.isKnown(locale)) {
            return BAD_LOCALE;
        }
        int n = params.size();
        if (n < MIN_PARAMS || n > MAX_PARAMS) {
            return MALFORMED;
        }
        String version = params.get(5);
        return new Valid(new ClientInfo(locale, params.get(1), params.get(2), params.get(3), params.get(4),
                version, ClientVersion.parse(version), optional(params, 6), optional(params, 7),
                optional(params, 8)));
    }

    private static Optional<String> optional(List<String> params, int i) {
        return i < params.size() ? Optional.of(params.get(i)) : Optional.empty();
    }

    /** {@code 0x0409}. */
    public String localeText() {
        return Lcid.format(locale);
    }
}

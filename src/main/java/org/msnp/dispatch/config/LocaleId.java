package org.msnp.dispatch.config;

import org.msnp.dispatch.protocol.Lcid;

/** A Windows LCID written {@code 0x0409}, known to [MS-LCID]. */
public record LocaleId(int value) {
    public static LocaleId parse(String text) {
        int lcid = Lcid.parse(text.trim());
        if (lcid == Lcid.MALFORMED || !Lcid.isKnown(lcid)) {
            throw new IllegalArgumentException("'" + text + "' is not a Windows LCID such as 0x0409 (see [MS-LCID])");
        }
        return new LocaleId(lcid);
    }

    @Override
    public String toString() {
        return Lcid.format(value);
    }
}

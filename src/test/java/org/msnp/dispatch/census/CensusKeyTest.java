package org.msnp.dispatch.census;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Client text is made safe on the way into the census. */
class CensusKeyTest {

    @Test
    void cleanTextIsKeptAsItIs() {
        String build = "14.0.8117.0416";
        CensusKey k = new CensusKey("tcp", "MSNP18", "MSNMSGR", build, "winnt", "0x0409", "xfr", "current");
        assertThat(k.build()).isSameAs(build);
        assertThat(k.dialect()).isEqualTo("MSNP18");
    }

    @Test
    void absentOrEmptyIsADash() {
        CensusKey k = new CensusKey("tcp", "-", null, "", null, null, "no-common-dialect", "none");
        assertThat(k.library()).isEqualTo("-");
        assertThat(k.build()).isEqualTo("-");
        assertThat(k.osType()).isEqualTo("-");
        assertThat(k.locale()).isEqualTo("-");
    }

    @Test
    void markupQuotesControlsAndNonAsciiBecomeUnderscoresAndLongTextIsCut() {
        CensusKey k = new CensusKey("tcp", "MSNP8", "<img src=x onerror=alert(1)>", "6.0'; DROP TABLE census_hourly;--",
                "wïn\r\nnt", "0x0409", "xfr", "current");
        assertThat(k.library()).isEqualTo("_img_src_x_onerror_alert_1__");
        assertThat(k.build()).isEqualTo("6.0___DROP_TABLE_census_hourly_--");
        assertThat(k.osType()).isEqualTo("w_n__nt");
        assertThat(new CensusKey("tcp", "MSNP8", "L".repeat(500), "b", "o", "0x0409", "xfr", "current").library())
                .hasSize(CensusKey.CLIENT_TEXT_WIDTH);
        assertThat(new CensusKey("tcp", "MSNP8", "l", "b", "o", "0x0409", "x".repeat(40), "v".repeat(40)).outcome())
                .hasSize(32);
    }

    @Property
    void whateverAClientSendsTheStoredTextIsShortAndPlain(@ForAll String library, @ForAll String build, @ForAll String os) {
        CensusKey k = new CensusKey("tcp", "MSNP8", library, build, os, "0x0409", "xfr", "current");
        for (String v : new String[] {k.library(), k.build(), k.osType()}) {
            assertThat(v).matches("[A-Za-z0-9._-]{1,64}");
        }
        assertThat(k).isEqualTo(new CensusKey("tcp", "MSNP8", k.library(), k.build(), k.osType(), "0x0409", "xfr", "current"));
    }

    @Test
    void foldingKeepsTheServersOwnFields() {
        CensusKey f = Keys.MSNP8_OLD.folded();
        assertThat(f).isEqualTo(new CensusKey("tcp", "MSNP8", "other", "other", "other", "0x0409", "xfr", "upgrade-offered"));
    }
}

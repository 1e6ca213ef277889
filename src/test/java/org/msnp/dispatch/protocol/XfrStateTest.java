package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The MSNP21 redirect state token (dispatch-server.md §4.6). */
class XfrStateTest {
    /** V026: what WLM 2011 sends in CVR. */
    static final String V026_SENT = "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==";
    /** V026: what the server must send back in XFR. */
    static final String V026_EXPECTED = "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDINCg==";
    /** V027: hard-coded by BitlBee. */
    static final String V027_BITLBEE = "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDINClhmclNlbnRVVENUaW1lOiA2MzU2MTQ3OTU5NzgzOTAwMDANCklzR2VvWGZyOiB0cnVlDQo=";

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void bitlbeesTokenCarriesXfrCountTwo() {
        assertThat(new String(Base64.getDecoder().decode(V027_BITLBEE), StandardCharsets.ISO_8859_1))
                .contains("XfrSentUTCTime: 635614795978390000").contains("IsGeoXfr: true");
        assertThat(XfrState.xfrCount(Optional.of(V027_BITLBEE))).isEqualTo(2);
    }

    @Test
    void wlm2011sTokenCarriesXfrCountOne() {
        assertThat(XfrState.xfrCount(Optional.of(V026_SENT))).isEqualTo(1);
    }

    @Test
    void encodingTheSecondReferralGivesV026sExpectedToken() {
        assertThat(XfrState.encode(2)).isEqualTo(V026_EXPECTED);
        assertThat(XfrState.encode(XfrState.xfrCount(Optional.of(V026_SENT)) + 1)).isEqualTo(V026_EXPECTED);
    }

    @Test
    void theFirstReferralGivesP018sToken() {
        assertThat(XfrState.encode(1)).isEqualTo("VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==");
    }

    @Test
    void aclsLiteralZeroCountsAsNoReferral() {
        // V028: ACL's MSNP21 build appends " 0"
        assertThat(XfrState.xfrCount(Optional.of("0"))).isZero();
    }

    @Test
    void noTokenCountsAsNoReferral() {
        assertThat(XfrState.xfrCount(Optional.empty())).isZero();
    }

    @ParameterizedTest(name = "''{0}'' counts as 0")
    @ValueSource(strings = {"!!!!", "garbage", "=", "VmVyc2lvbjogMQ", "%%%%====", ""})
    void garbageCountsAsNoReferral(String token) {
        assertThat(XfrState.xfrCount(Optional.of(token))).isZero();
    }

    @Test
    void decodedTextWithoutACountOrWithABadOneCountsAsZero() {
        assertThat(XfrState.xfrCount(Optional.of(b64("Version: 1\r\n")))).isZero();
        assertThat(XfrState.xfrCount(Optional.of(b64("Version: 1\r\nXfrCount: two\r\n")))).isZero();
        assertThat(XfrState.xfrCount(Optional.of(b64("XfrCount: -4\r\n")))).isZero();
        assertThat(XfrState.xfrCount(Optional.of(b64("XfrCount: 99999999999\r\n")))).isZero();
    }

    @Test
    void bareLfAndOddSpacingAreRead() {
        assertThat(XfrState.xfrCount(Optional.of(b64("Version: 1\nXfrCount:7\n")))).isEqualTo(7);
        assertThat(XfrState.xfrCount(Optional.of(b64("xfrcount :  3")))).isEqualTo(3);
    }

    @Property(tries = 200)
    void encodeThenDecodeIsIdentity(@ForAll @IntRange(max = 1_000_000) int count) {
        String token = XfrState.encode(count);
        assertThat(XfrState.xfrCount(Optional.of(token))).isEqualTo(count);
        assertThat(new String(Base64.getDecoder().decode(token), StandardCharsets.ISO_8859_1))
                .isEqualTo("Version: 1\r\nXfrCount: " + count + "\r\n");
    }
}

package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parameters of CVR/CVQ after the TrID (cvq-cvr.md §2, §3). */
class ClientInfoTest {

    private static ClientInfo.Reading read(String params) {
        return ClientInfo.read(params.isEmpty() ? List.of() : Arrays.asList(params.split(" ")));
    }

    private static ClientInfo valid(String params) {
        ClientInfo.Reading r = read(params);
        assertThat(r).isInstanceOf(ClientInfo.Valid.class);
        return ((ClientInfo.Valid) r).info();
    }

    private static ErrorCode error(String params) {
        ClientInfo.Reading r = read(params);
        assertThat(r).isInstanceOf(ClientInfo.Invalid.class);
        return ((ClientInfo.Invalid) r).error();
    }

    @Test
    void sixParametersOfAnMsnp2EraCvq() {
        // V036: CVQ 2 0x0409 win 4.10 i386 MSMSGS 1.0.0863
        ClientInfo c = valid("0x0409 win 4.10 i386 MSMSGS 1.0.0863");
        assertThat(c.locale()).isEqualTo(0x0409);
        assertThat(c.localeText()).isEqualTo("0x0409");
        assertThat(c.osType()).isEqualTo("win");
        assertThat(c.osVersion()).isEqualTo("4.10");
        assertThat(c.arch()).isEqualTo("i386");
        assertThat(c.library()).isEqualTo("MSMSGS");
        assertThat(c.version()).isEqualTo("1.0.0863");
        assertThat(c.parsedVersion()).contains(ClientVersion.of("1.0.863"));
        assertThat(c.clientId()).isEmpty();
        assertThat(c.handle()).isEmpty();
        assertThat(c.xfrState()).isEmpty();
    }

    @Test
    void sevenParameters() {
        // V037: the "old" CVQ form
        ClientInfo c = valid("0x0409 win 4.10 i386 MSMSGS 1.0.0863 MSMSGS");
        assertThat(c.clientId()).contains("MSMSGS");
        assertThat(c.handle()).isEmpty();
    }

    @Test
    void eightParametersOfAnMsnp8Cvr() {
        ClientInfo c = valid("0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com");
        assertThat(c.clientId()).contains("MSMSGS");
        assertThat(c.handle()).contains("example@hotmail.com");
        assertThat(c.xfrState()).isEmpty();
    }

    @Test
    void nineParametersOfAnMsnp21Cvr() {
        // V026
        ClientInfo c = valid("0x0409 winnt 6.1.0 i386 MSNMSGR 15.4.3502.0922 MSNMSGR mypassport@hotmail.com "
                + "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==");
        assertThat(c.osVersion()).isEqualTo("6.1.0");
        assertThat(c.parsedVersion()).contains(ClientVersion.of("15.4.3502.922"));
        assertThat(c.handle()).contains("mypassport@hotmail.com");
        assertThat(c.xfrState()).contains("VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==");
    }

    @Test
    void anUnparseableBuildIsKeptAsText() {
        // V044: the 8.0 beta
        ClientInfo c = valid("0x0409 winnt 5.1 i386 MSG80BETA b.0.0328 msmsgs email@addr.ess");
        assertThat(c.version()).isEqualTo("b.0.0328");
        assertThat(c.parsedVersion()).isEmpty();
    }

    @Test
    void theLocaleIsCheckedBeforeTheCount() {
        // V042: WIKI's 710 example lacks its arch token
        assertThat(error("0x1111 winnt 5.1 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com"))
                .isEqualTo(ErrorCode.BAD_CVR_PARAMETERS);
        assertThat(error("0x1111")).isEqualTo(ErrorCode.BAD_CVR_PARAMETERS);
        assertThat(error("0x1111 a b c d e f g h i j k")).isEqualTo(ErrorCode.BAD_CVR_PARAMETERS);
    }

    @Test
    void garbageIsMalformed() {
        // V043: CVQ 6 spaghetti
        assertThat(error("spaghetti")).isEqualTo(ErrorCode.NOT_EXPECTED_CVR);
        assertThat(error("")).isEqualTo(ErrorCode.NOT_EXPECTED_CVR);
    }

    @Test
    void aLocaleThatIsNotHexIsMalformedNotUnknown() {
        // P021
        assertThat(error("en-US winnt 5.1 i386 MSMSGS 4.7.0041")).isEqualTo(ErrorCode.NOT_EXPECTED_CVR);
    }

    @ParameterizedTest(name = "{0} parameters")
    @ValueSource(ints = {1, 2, 5, 10, 11, 20})
    void outsideSixToNineIsMalformed(int n) {
        String[] all = "0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@b.c 0 extra1 extra2 extra3 extra4 extra5 extra6 extra7 extra8 extra9 extra10 extra11"
                .split(" ");
        assertThat(ClientInfo.read(List.of(all).subList(0, n)))
                .isEqualTo(new ClientInfo.Invalid(ErrorCode.NOT_EXPECTED_CVR));
    }

    @ParameterizedTest(name = "{0} parameters")
    @ValueSource(ints = {6, 7, 8, 9})
    void sixToNineIsValid(int n) {
        String[] all = "0x0804 winnt 6.1.1 i386 MSNMSGR 15.4.3508.1109 MSNMSGR someone@example.com 0".split(" ");
        ClientInfo c = valid(String.join(" ", List.of(all).subList(0, n)));
        assertThat(c.locale()).isEqualTo(0x0804);
        assertThat(c.clientId().isPresent()).isEqualTo(n >= 7);
        assertThat(c.handle().isPresent()).isEqualTo(n >= 8);
        assertThat(c.xfrState()).isEqualTo(n >= 9 ? Optional.of("0") : Optional.empty());
    }
}

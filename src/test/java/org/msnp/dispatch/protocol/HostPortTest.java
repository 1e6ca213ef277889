package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code host:port} of XFR. */
class HostPortTest {

    @Test
    void parsesWhatXfrCarries() {
        assertThat(HostPort.parse("207.46.106.118:1863")).isEqualTo(new HostPort("207.46.106.118", 1863));
        assertThat(HostPort.parse("ns.example.org:1864")).isEqualTo(new HostPort("ns.example.org", 1864));
        assertThat(HostPort.parse("[::1]:1863")).isEqualTo(new HostPort("[::1]", 1863));
    }

    @Test
    void printsAsItWasParsed() {
        assertThat(HostPort.parse("10.0.0.5:1863")).hasToString("10.0.0.5:1863");
        assertThat(HostPort.parse("[2001:db8::5]:1863")).hasToString("[2001:db8::5]:1863");
    }

    @ParameterizedTest(name = "''{0}'': {1}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5           | expected host:port",
            ":1863              | expected host:port",
            "10.0.0.5:          | expected host:port",
            "''                 | expected host:port",
            "10.0.0.5:http      | is not a number",
            "10.0.0.5:18 63     | is not a number",
            "10.0.0.5:0         | port must be 1..65535",
            "10.0.0.5:65536     | port must be 1..65535",
            "10.0.0.5:-1        | port must be 1..65535",
            "ns example.org:1863 | host must be",
            "::1:1863           | host must be",
            "[::1:1863          | host must be",
    })
    void refuses(String text, String problem) {
        assertThatThrownBy(() -> HostPort.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> HostPort.parse(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected host:port");
        assertThatThrownBy(() -> new HostPort(null, 1863)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "2001:db8:0:0:0:0:0:7, 2001:db8::7",
            "0:0:0:0:0:0:0:1, ::1",
            "1:0:0:0:0:0:0:0, 1::",
            "0:0:0:0:0:0:0:0, ::",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
            "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
            "fe80:0:0:0:0:0:0:1%eth0, fe80::1%eth0"})
    void ipv6IsCompressedAsRfc5952Says(String full, String compressed) {
        assertThat(HostPort.compress(full)).isEqualTo(compressed);
    }

    @Test
    void socketAddressesAreWrittenAsOnTheWire() throws Exception {
        assertThat(HostPort.of(new java.net.InetSocketAddress(java.net.InetAddress.getByName("2001:db8::7"), 1863)))
                .hasToString("[2001:db8::7]:1863");
        assertThat(HostPort.of(new java.net.InetSocketAddress(java.net.InetAddress.getByName("10.0.0.1"), 1863)))
                .hasToString("10.0.0.1:1863");
    }
}

package org.msnp.dispatch.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Who counts as one client: an IPv4 address, or an IPv6 prefix. A test host has one IPv6
 * loopback address, so the addresses of one /64 are given here as values; the sockets of
 * {@code LimitsTest} and {@code ProxyProtocolTest} show the same over the wire.
 */
class AdmissionLimitsTest {
    static final long NOW = 1_000_000_000L;

    static Optional<InetAddress> ip(String literal) {
        InetAddress a = NetUtil.createInetAddressFromIpAddressString(literal);
        assertThat(a).as(literal).isNotNull();
        return Optional.of(a);
    }

    static AdmissionLimits perClient(int maxPerIp, int prefix) {
        return new AdmissionLimits(new AdmissionLimits.Thresholds(1000, maxPerIp, 0, prefix));
    }

    static boolean admitted(AdmissionLimits.Admission a) {
        return a instanceof AdmissionLimits.Place;
    }

    static org.msnp.dispatch.observe.Refusal refusal(AdmissionLimits.Admission a) {
        return ((AdmissionLimits.Refused) a).refusal();
    }

    @Test
    void addressesOfOneSlash64AreOneClient() {
        AdmissionLimits limits = perClient(2, 64);
        assertThat(admitted(limits.admit(ip("2001:db8:1:2::1"), NOW))).isTrue();
        assertThat(admitted(limits.admit(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"), NOW))).isTrue();
        assertThat(refusal(limits.admit(ip("2001:db8:1:2:dead:beef:0:7"), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.PER_IP);
        // the neighbouring /64 is another client
        assertThat(admitted(limits.admit(ip("2001:db8:1:3::1"), NOW))).isTrue();
        assertThat(limits.open()).isEqualTo(3);
    }

    @Test
    void ipv4StaysPerAddress() {
        AdmissionLimits limits = perClient(1, 32);
        assertThat(admitted(limits.admit(ip("192.0.2.1"), NOW))).isTrue();
        assertThat(admitted(limits.admit(ip("192.0.2.2"), NOW))).isTrue();
        assertThat(refusal(limits.admit(ip("192.0.2.1"), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.PER_IP);
        // an IPv4-mapped IPv6 address is the IPv4 client, not part of ::ffff:0:0/64
        assertThat(refusal(limits.admit(ip("::ffff:192.0.2.2"), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.PER_IP);
    }

    @Test
    void thePrefixLengthIsConfigurable() {
        AdmissionLimits exact = perClient(1, 128);
        assertThat(admitted(exact.admit(ip("2001:db8::1"), NOW))).isTrue();
        assertThat(admitted(exact.admit(ip("2001:db8::2"), NOW))).isTrue();
        AdmissionLimits wide = perClient(1, 48);
        assertThat(admitted(wide.admit(ip("2001:db8:1:1::1"), NOW))).isTrue();
        assertThat(refusal(wide.admit(ip("2001:db8:1:ffff::1"), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.PER_IP);
        assertThat(admitted(wide.admit(ip("2001:db8:2::1"), NOW))).isTrue();
        // a prefix that ends inside a byte
        AdmissionLimits odd = perClient(1, 60);
        assertThat(admitted(odd.admit(ip("2001:db8:0:10::1"), NOW))).isTrue();
        assertThat(refusal(odd.admit(ip("2001:db8:0:1f::1"), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.PER_IP);
        assertThat(admitted(odd.admit(ip("2001:db8:0:20::1"), NOW))).isTrue();
    }

    @Test
    void theRateIsSharedByTheWholePrefix() {
        AdmissionLimits limits = new AdmissionLimits(new AdmissionLimits.Thresholds(1000, 1000, 3, 64));
        for (int i = 1; i <= 3; i++) {
            assertThat(admitted(limits.admit(ip("2001:db8:7:7::" + i), NOW))).isTrue();
        }
        assertThat(refusal(limits.admit(ip("2001:db8:7:7::99"), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.RATE);
        assertThat(admitted(limits.admit(ip("2001:db8:7:8::1"), NOW))).isTrue();
    }

    @Test
    void aPlaceIsGivenBackUnderItsOwnKeyAfterTheThresholdsChange() {
        AdmissionLimits limits = perClient(1, 64);
        AdmissionLimits.Place place = (AdmissionLimits.Place) limits.admit(ip("2001:db8::1"), NOW);
        limits.update(new AdmissionLimits.Thresholds(1000, 1, 0, 128));
        limits.release(place);
        assertThat(limits.open()).isZero();
        limits.update(new AdmissionLimits.Thresholds(1000, 1, 0, 64));
        // the /64 is free again: the release reached the entry the admission counted in
        assertThat(admitted(limits.admit(ip("2001:db8::2"), NOW))).isTrue();
    }

    @Test
    void linkLocalAddressesOnDifferentInterfacesAreOneClient() throws Exception {
        AdmissionLimits limits = perClient(1, 128);
        byte[] fe80 = NetUtil.createByteArrayFromIpAddressString("fe80::1");
        assertThat(admitted(limits.admit(Optional.of(java.net.Inet6Address.getByAddress(null, fe80, 1)), NOW))).isTrue();
        assertThat(refusal(limits.admit(Optional.of(java.net.Inet6Address.getByAddress(null, fe80, 2)), NOW)))
                .isEqualTo(org.msnp.dispatch.observe.Refusal.PER_IP);
    }

    @Test
    void aConnectionNamingNoClientCountsOnlyOverall() {
        AdmissionLimits limits = new AdmissionLimits(new AdmissionLimits.Thresholds(3, 1, 1, 64));
        assertThat(admitted(limits.admit(Optional.empty(), NOW))).isTrue();
        assertThat(admitted(limits.admit(Optional.empty(), NOW))).isTrue();
        AdmissionLimits.Place client = (AdmissionLimits.Place) limits.admit(ip("192.0.2.1"), NOW);
        assertThat(refusal(limits.admit(Optional.empty(), NOW))).isEqualTo(org.msnp.dispatch.observe.Refusal.MAX_CONNECTIONS);
        limits.release(client);
        assertThat(limits.open()).isEqualTo(2);
    }
}

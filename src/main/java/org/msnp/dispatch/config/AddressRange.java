package org.msnp.dispatch.config;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IP address or a CIDR range, IPv4 or IPv6: {@code 10.0.0.7}, {@code 10.0.0.0/8},
 * {@code ::1}, {@code 2001:db8::/32}. Literals only: a name would need a lookup. Bits beyond the
 * prefix are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
 */
public record AddressRange(InetAddress address, int prefixLength) {
    public AddressRange {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length must be 0.." + max + ", got " + prefixLength);
        }
    }

    public static AddressRange parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String literal = slash < 0 ? t : t.substring(0, slash);
        // NetUtil reads literals only, never a name (no DNS while loading a file)
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
        if (address == null || literal.indexOf('%') >= 0) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32");
        }
        int max = address instanceof Inet4Address ? 32 : 128;
        if (slash < 0) {
            return new AddressRange(address, max);
        }
        String bits = t.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > max) {
            throw new IllegalArgumentException("'" + text + "': the prefix length after / must be 0.." + max);
        }
        return new AddressRange(address, Integer.parseInt(bits));
    }

    @Override
    public String toString() {
        return NetUtil.toAddressString(address) + "/" + prefixLength;
    }
}

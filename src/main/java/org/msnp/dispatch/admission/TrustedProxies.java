package org.msnp.dispatch.admission;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The addresses allowed to send a PROXY protocol header: a header names the client for logs and
 * limits, so one from anyone else would let a client pose as any address.
 */
public final class TrustedProxies {
    /** An address and how many of its leading bits a peer must share with it. */
    public record Range(InetAddress address, int prefixLength) {
    }

    /** 127.0.0.0/8 and ::1: a proxy on this machine. */
    public static final TrustedProxies LOOPBACK = new TrustedProxies(List.of(
            new Range(io.netty.util.NetUtil.LOCALHOST4, 8), new Range(io.netty.util.NetUtil.LOCALHOST6, 128)));

    private final List<IpSubnetFilterRule> rules;

    public TrustedProxies(List<Range> ranges) {
        // the InetAddress constructor: the String one would look the name up
        this.rules = ranges.stream()
                .map(r -> new IpSubnetFilterRule(r.address(), r.prefixLength(), IpFilterRuleType.ACCEPT))
                .toList();
    }

    /** Whether {@code peer} may send a PROXY header. */
    public boolean trusts(InetSocketAddress peer) {
        for (IpSubnetFilterRule r : rules) {
            if (r.matches(peer)) {
                return true;
            }
        }
        return false;
    }
}

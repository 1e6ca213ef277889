package org.msnp.dispatch.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.msnp.dispatch.conversation.Conversation;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.HostPort;

/**
 * The live gateway sessions: created on open, found by SessionID, dropped when the session ends,
 * expires or the server stops. The observer hears of each one opening and, exactly once, ending.
 */
final class Tunnels {

    sealed interface Opening {
    }

    record Opened(Tunnel tunnel) implements Opening {
    }

    /** The overall or the per-address limit is reached. */
    record Full(boolean perIp) implements Opening {
    }

    private final ConnectionObserver observer;
    private final SessionIds ids = new SessionIds();
    private final ConcurrentHashMap<Integer, Tunnel> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, Integer> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();

    Tunnels(ConnectionObserver observer) {
        this.observer = observer;
    }

    /**
     * A new gateway session bound to a new conversation naming {@code current} in XFR (or the
     * public address), on the settings of {@code settings}, read once by the caller.
     */
    Opening open(InetSocketAddress peer, GatewaySettings settings, HostPort current, long now) {
        if (count.incrementAndGet() > settings.maxSessions()) {
            count.decrementAndGet();
            return new Full(false);
        }
        InetAddress ip = peer.getAddress();
        if (perIp.merge(ip, 1, Integer::sum) > settings.maxSessionsPerIp()) {
            release(ip);
            return new Full(true);
        }
        Conversation conversation = new Conversation(settings.snapshot(),
                settings.snapshot().publicAddress().orElse(current), TransportKind.HTTP, peer, now);
        Tunnel t;
        do {
            t = new Tunnel(ids.newTunnel(), peer, conversation, settings, ids, now);
        } while (byId.putIfAbsent(t.id(), t) != null);
        observer.opened(TransportKind.HTTP);
        return new Opened(t);
    }

    /** The tunnel a SessionID names, if it is live; its secret is checked by the tunnel. */
    Optional<Tunnel> find(SessionIds.Presented id) {
        return Optional.ofNullable(byId.get(id.tunnel()));
    }

    /** Drops {@code t} (if still live) and tells the observer how it ended. */
    void remove(Tunnel t, EndReason why, long now) {
        if (byId.remove(t.id(), t)) {
            release(t.peer().getAddress());
            observer.finished(t.finish(why, now));
        }
    }

    private void release(InetAddress ip) {
        count.decrementAndGet();
        perIp.computeIfPresent(ip, (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Drops the tunnels nobody has asked about for longer than the idle limit. */
    void sweep(long now) {
        for (Tunnel t : byId.values()) {
            if (t.expired(now)) {
                remove(t, EndReason.IDLE_TIMEOUT, now);
            }
        }
    }

    void removeAll(EndReason why, long now) {
        for (Tunnel t : byId.values()) {
            remove(t, why, now);
        }
    }

    /** Gateway sessions whose dispatch conversation has not ended yet. */
    long active() {
        return byId.values().stream().filter(t -> !t.isEnded()).count();
    }
}

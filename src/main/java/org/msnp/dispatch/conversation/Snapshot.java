package org.msnp.dispatch.conversation;

import java.util.Optional;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchContext;

/**
 * Everything a new conversation needs from one configuration version, published as one value:
 * a connection reads one snapshot when it opens and keeps it to its end, so that a reload
 * never gives it half of one version and half of another.
 *
 * @param version       counts configuration versions from 1 (the one the server started with)
 * @param context       the session core's rules, version policy and Notification-Server pool
 * @param settings      deadlines, line limit, closing
 * @param publicAddress the address named in XFR as this server; empty: the address the client reached
 */
public record Snapshot(long version, DispatchContext context, ConversationSettings settings,
                       Optional<HostPort> publicAddress) {
}

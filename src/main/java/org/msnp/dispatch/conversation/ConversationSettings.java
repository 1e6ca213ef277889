package org.msnp.dispatch.conversation;

import java.time.Duration;

/**
 * How every conversation is run, on either transport.
 *
 * @param loginTimeout  how long a conversation may go without its VER
 * @param idleTimeout   how long it may go without a complete line after VER
 * @param maxLineLength a longer line ends the conversation
 * @param closeWait     after the closing reply, how long the server waits for the client to close
 *                      (TCP; clients.md point 8); zero: it closes at once
 * @param closeLinger   how long input is drained after the server's FIN (TCP)
 */
public record ConversationSettings(Duration loginTimeout, Duration idleTimeout, int maxLineLength, Duration closeWait,
                                   Duration closeLinger) {

    /** The earlier of the two deadlines: when a new conversation's first check is due. */
    public Duration firstCheck() {
        return loginTimeout.compareTo(idleTimeout) < 0 ? loginTimeout : idleTimeout;
    }
}

package org.msnp.dispatch.net;

import io.netty.channel.unix.Errors;

/**
 * What the operating system said when a socket call failed, in words fit for one log line:
 * {@code Too many open files} rather than {@code ChannelException: Unable to create Channel …}
 * caused by {@code newSocketStream(..) failed with error(-24): Too many open files}.
 */
public final class IoFailure {
    private static final int EMFILE = 24;
    private static final int ENFILE = 23;

    private IoFailure() {
    }

    /** The innermost cause's message without Netty's {@code call(..) failed: } prefix. */
    public static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        if (text == null || text.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // Netty: "newSocketStream(..) failed with error(-24): Too many open files"
        int failed = text.lastIndexOf("(..) failed");
        int colon = failed >= 0 ? text.indexOf(": ", failed) : -1;
        return colon >= 0 ? text.substring(colon + 2) : text;
    }

    /**
     * True when the process (EMFILE) or the system (ENFILE) has no file descriptor left. Netty's
     * native transport carries the error number; the JDK's sockets only the system's text.
     */
    public static boolean outOfFiles(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Errors.NativeIoException n) {
                int errno = Math.abs(n.expectedErr());
                if (errno == EMFILE || errno == ENFILE) {
                    return true;
                }
            }
            if (t.getMessage() != null && t.getMessage().contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }
}

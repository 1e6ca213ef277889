package org.msnp.dispatch.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The MSNP21 redirect state: base64 of CR LF-separated {@code Name: value} lines such as
 * {@code Version: 1\r\nXfrCount: 1\r\n} (dispatch-server.md §4.6). XfrCount counts referrals.
 */
public final class XfrState {
    private XfrState() {
    }

    /**
     * The XfrCount carried by a client's state token; 0 when there is none or it cannot be read
     * (ACL sends the literal {@code 0}, vectors.txt V028).
     */
    public static int xfrCount(Optional<String> token) {
        if (token.isEmpty()) {
            return 0;
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(token.get()), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return 0;
        }
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            // a CR before the LF is trimmed with the value
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("XfrCount")) {
                try {
                    int n = Integer.parseInt(line.substring(colon + 1).trim());
                    // the reply counts one more; keep that representable
                    return Math.max(0, Math.min(n, Integer.MAX_VALUE - 1));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The token for a referral that is the {@code count}-th. */
    public static String encode(int count) {
        String text = "Version: 1\r\nXfrCount: " + count + "\r\n";
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}

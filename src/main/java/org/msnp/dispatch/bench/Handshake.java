package org.msnp.dispatch.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One scripted client conversation: the request lines a client sends, lock-step, and for each the
 * reply the known configuration ({@link KnownConfig}) answers, as exact bytes and as a shape that
 * any dispatch server's reply should have (verb, TrID and the fixed tokens after them). After the
 * last reply the server is expected to end the connection (dispatch-server.md §4.4, §4.6).
 *
 * @param name   what the script is called in reports ({@code MSNP21})
 * @param family the dialect family of dispatch-server.md §3 it stands for
 */
public record Handshake(String name, String family, List<Exchange> exchanges) {

    public Handshake {
        exchanges = List.copyOf(exchanges);
        if (exchanges.isEmpty()) {
            throw new IllegalArgumentException("a handshake needs at least one exchange");
        }
    }

    /**
     * One request line and its reply, each with CR LF.
     *
     * @param shape what any server's reply must start with ({@code XFR 3 NS })
     */
    public record Exchange(byte[] request, byte[] reply, byte[] shape) {
    }

    /** Builds a script from alternating request and reply lines (without line ends). */
    public static Handshake of(String name, String family, String... requestThenReply) {
        if (requestThenReply.length % 2 != 0) {
            throw new IllegalArgumentException("request and reply lines must alternate");
        }
        List<Exchange> ex = new ArrayList<>();
        for (int i = 0; i < requestThenReply.length; i += 2) {
            String reply = requestThenReply[i + 1];
            ex.add(new Exchange(crlf(requestThenReply[i]), crlf(reply), ascii(shapeOf(reply))));
        }
        return new Handshake(name, family, ex);
    }

    /**
     * The part of a reply that does not depend on a server's configuration: verb and TrID, plus
     * {@code NS} for XFR, the {@code MSNP} of a negotiated dialect and the {@code CVR0} of the
     * fallback.
     */
    static String shapeOf(String reply) {
        String[] t = reply.split(" ");
        if (t[0].equals("XFR")) {
            return t[0] + ' ' + t[1] + ' ' + t[2] + ' ';
        }
        if (t[0].equals("VER")) {
            return t[2].equals("CVR0") ? "VER " + t[1] + " CVR0" : "VER " + t[1] + " MSNP";
        }
        return t[0] + ' ' + t[1] + ' ';
    }

    public byte[] firstRequest() {
        return exchanges.get(0).request();
    }

    public int steps() {
        return exchanges.size();
    }

    static byte[] crlf(String line) {
        return ascii(line + "\r\n");
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}

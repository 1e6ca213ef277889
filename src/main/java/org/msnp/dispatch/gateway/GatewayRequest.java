package org.msnp.dispatch.gateway;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a request to {@code gateway.dll} asks for, read from its URL (http-gateway.md §2). Parameter
 * names and the values of {@code Action} and {@code Server} are read without regard to case;
 * {@code Lifespan} is accepted and not needed (a dispatch session never speaks unprompted, so a
 * poll is answered at once).
 */
sealed interface GatewayRequest {

    String PATH = "/gateway/gateway.dll";

    /** {@code Action=open&Server=NS[&IP=host]}: a new tunnel. */
    record Open(Optional<String> ip) implements GatewayRequest {
    }

    /** {@code SessionID=…}: commands in the body. */
    record Send(String sessionId) implements GatewayRequest {
    }

    /** {@code Action=poll&SessionID=…}: fetch what the session has produced. */
    record Poll(String sessionId) implements GatewayRequest {
    }

    /**
     * Anything else on {@link #PATH}: answered 400 with {@code reason}, fixed words that never
     * repeat the request (a 400 body is no place to echo what a client sent).
     */
    record Invalid(String reason) implements GatewayRequest {
    }

    /** Another path altogether: 404. */
    record NotFound() implements GatewayRequest {
    }

    /**
     * @param uri the request target: origin form ({@code /gateway/gateway.dll?…}) or, as clients
     *            configured with an HTTP proxy send it, absolute form ({@code http://host/gateway/…})
     */
    static GatewayRequest parse(String uri) {
        QueryStringDecoder q = new QueryStringDecoder(originForm(uri));
        if (!q.path().equalsIgnoreCase(PATH)) {
            return new NotFound();
        }
        Map<String, String> p = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, List<String>> e : q.parameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                p.putIfAbsent(e.getKey(), e.getValue().get(0));
            }
        }
        String action = p.getOrDefault("Action", "");
        String sessionId = p.getOrDefault("SessionID", "");
        if (action.equalsIgnoreCase("open")) {
            String server = p.getOrDefault("Server", "");
            if (!server.equalsIgnoreCase("NS")) {
                // The DS is opened as Server=NS (http-gateway.md §2); there is no switchboard here.
                return new Invalid("this gateway serves Server=NS only");
            }
            String ip = p.getOrDefault("IP", "");
            return new Open(ip.isEmpty() ? Optional.empty() : Optional.of(ip));
        }
        if (sessionId.isEmpty()) {
            return new Invalid("SessionID is missing");
        }
        if (action.equalsIgnoreCase("poll")) {
            return new Poll(sessionId);
        }
        if (action.isEmpty()) {
            return new Send(sessionId);
        }
        return new Invalid("the Action parameter is not open or poll");
    }

    private static String originForm(String uri) {
        int scheme = uri.indexOf("://");
        if (scheme < 0 || uri.startsWith("/")) {
            return uri;
        }
        int slash = uri.indexOf('/', scheme + 3);
        int query = uri.indexOf('?', scheme + 3);
        if (slash < 0 || (query >= 0 && query < slash)) {
            return "/" + (query >= 0 ? uri.substring(query) : "");
        }
        return uri.substring(slash);
    }
}

package org.msnp.dispatch.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Raw gateway requests with {@link HttpClient}, for tests that look at each response. */
public final class GatewayClient {
    private final HttpClient http;
    private final String base;

    public GatewayClient(InetSocketAddress gateway) {
        this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3)).build(),
                "http://" + gateway.getHostString() + ':' + gateway.getPort());
    }

    private GatewayClient(HttpClient http, String base) {
        this.http = http;
        this.base = base;
    }

    /** The same client sending to {@code host} (a GW-IP value) instead. */
    public GatewayClient at(String host) {
        return ("http://" + host).equals(base) ? this : new GatewayClient(http, "http://" + host);
    }

    /** One response: status, the X-MSN-Messenger fields, the body as text. */
    public record Response(int status, Map<String, String> messenger, String contentType, String body) {
        public String sessionId() {
            return messenger.get("SessionID");
        }

        public boolean sessionClosed() {
            return "close".equals(messenger.get("Session"));
        }
    }

    public Response open(String body) throws IOException {
        return post("Action=open&Server=NS&IP=messenger.hotmail.com", body.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Response send(String sessionId, String body) throws IOException {
        return post("SessionID=" + sessionId, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Response poll(String sessionId) throws IOException {
        return post("Action=poll&SessionID=" + sessionId, new byte[0]);
    }

    public Response post(String query, byte[] body) throws IOException {
        return request("POST", "/gateway/gateway.dll?" + query, body);
    }

    public Response request(String method, String pathAndQuery, byte[] body) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", GatewayHandler.CONTENT_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Optional<String> header = res.headers().firstValue(GatewayHandler.HEADER);
        if (header.isPresent()) {
            for (String part : header.get().split(";")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq > 0) {
                    fields.put(p.substring(0, eq), p.substring(eq + 1));
                }
            }
        }
        return new Response(res.statusCode(), fields, res.headers().firstValue("Content-Type").orElse(""),
                new String(res.body(), StandardCharsets.ISO_8859_1));
    }
}

package org.msnp.dispatch.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTTP gateway listener ({@code gateway.dll}, http-gateway.md; docs/gateway.md). Off unless
 * enabled: it opens a second public port, and gateway clients only find it once the operator has
 * pointed {@code gateway.messenger.hotmail.com} at it, so it is a deliberate step.
 *
 * @param listen             default {@code 0.0.0.0:80} when the server runs as root, {@code 0.0.0.0:8080} otherwise
 * @param publicHost         the {@code GW-IP} value (host or host:port); required unless {@code listen} is a
 *                           loopback address (then absent means the listener's own address). Never the
 *                           client's Host header: a client must not choose the host the server names
 * @param sessionIdleTimeout a gateway session without any request for this long is dropped
 * @param maxBodyBytes       larger request bodies are refused with 413
 * @param acceptIps          the {@code IP=} values an open may name; empty: any
 * @param requestTimeout     a request's headers and body must arrive within this time from its first byte
 * @param keepAliveTimeout   a kept-alive HTTP connection without a request for this long is closed
 */
public record GatewayConfig(Boolean enabled, BindAddress listen, String publicHost, Duration sessionIdleTimeout,
                            Integer maxSessions, Integer maxSessionsPerIp, Integer maxBodyBytes,
                            List<String> acceptIps, Duration requestTimeout, Duration keepAliveTimeout) {
    static final GatewayConfig DEFAULT = new GatewayConfig(null, null, null, null, null, null, null, null, null, null);

    public GatewayConfig {
        enabled = enabled != null && enabled;
        boolean listenGiven = listen != null;
        listen = listen != null ? listen : new BindAddress("0.0.0.0", runsAsRoot() ? 80 : 8080);
        if (publicHost != null) {
            checkPublicHost(publicHost);
        } else if (enabled && !isLoopback(listen.host())) {
            throw new BadValue(listenGiven ? "listen" : "enabled", "gateway.public-host is required when the gateway"
                    + " listens beyond loopback (listen " + listen + "): it is the GW-IP every client is sent to");
        }
        sessionIdleTimeout = sessionIdleTimeout != null ? sessionIdleTimeout : Duration.ofSeconds(60);
        DispatchConfig.positive("session-idle-timeout", sessionIdleTimeout);
        requestTimeout = requestTimeout != null ? requestTimeout : Duration.ofSeconds(10);
        DispatchConfig.positive("request-timeout", requestTimeout);
        keepAliveTimeout = keepAliveTimeout != null ? keepAliveTimeout : Duration.ofSeconds(30);
        DispatchConfig.positive("keep-alive-timeout", keepAliveTimeout);
        maxSessions = maxSessions != null ? maxSessions : 50_000;
        maxSessionsPerIp = maxSessionsPerIp != null ? maxSessionsPerIp : 256;
        if (maxSessions < 1) {
            throw new BadValue("max-sessions", "max-sessions must be at least 1, got " + maxSessions);
        }
        if (maxSessionsPerIp < 1) {
            throw new BadValue("max-sessions-per-ip", "max-sessions-per-ip must be at least 1, got " + maxSessionsPerIp);
        }
        maxBodyBytes = maxBodyBytes != null ? maxBodyBytes : 16_384;
        if (maxBodyBytes < 512 || maxBodyBytes > 1 << 24) {
            throw new BadValue("max-body-bytes", "max-body-bytes must be 512..16777216, got " + maxBodyBytes);
        }
        acceptIps = acceptIps == null ? List.of() : acceptIps.stream().map(ip -> ip.trim().toLowerCase(Locale.ROOT)).toList();
        if (acceptIps.stream().anyMatch(String::isEmpty)) {
            throw new BadValue("accept-ips", "accept-ips must not contain an empty name");
        }
    }

    public BindAddress listenAddress() {
        return listen;
    }

    public Optional<String> publicHostName() {
        return Optional.ofNullable(publicHost);
    }

    public Duration sessionIdle() {
        return sessionIdleTimeout;
    }

    /** GW-IP goes into a {@code ; }-separated header and, by clients, into a URL authority. */
    private static void checkPublicHost(String host) {
        if (host.isEmpty() || host.length() > 255
                || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f || c == ';' || c == ',' || c == '/' || c == '?' || c == '#' || c == '@')) {
            throw new BadValue("public-host", "public-host must be a host name or address, optionally with :port, got '" + host + "'");
        }
    }

    /** A loopback literal or {@code localhost}; a name is never looked up while loading a file. */
    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        java.net.InetAddress a = io.netty.util.NetUtil.createInetAddressFromIpAddressString(host);
        return a != null && a.isLoopbackAddress();
    }

    /** Port 80 needs root on most systems; an unprivileged run takes 8080 instead. */
    private static boolean runsAsRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}

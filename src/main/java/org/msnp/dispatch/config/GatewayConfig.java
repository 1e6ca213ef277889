package org.msnp.dispatch.config;

/**
 * The HTTP gateway listener ({@code gateway.dll}, http-gateway.md). Off unless enabled.
 */
public record GatewayConfig(Boolean enabled, String listen) {
    static final GatewayConfig DEFAULT = new GatewayConfig(null, null);

    public GatewayConfig {
        enabled = enabled != null && enabled;
        listen = listen != null ? listen : "0.0.0.0:8080";
        BindAddress.parse(listen);
    }

    public BindAddress listenAddress() {
        return BindAddress.parse(listen);
    }
}

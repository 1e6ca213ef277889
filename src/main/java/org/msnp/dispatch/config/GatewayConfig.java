package org.msnp.dispatch.config;

/**
 * The HTTP gateway listener ({@code gateway.dll}, http-gateway.md). Off unless enabled.
 */
public record GatewayConfig(Boolean enabled, BindAddress listen) {
    static final GatewayConfig DEFAULT = new GatewayConfig(null, null);

    public GatewayConfig {
        enabled = enabled != null && enabled;
        listen = listen != null ? listen : BindAddress.parse("0.0.0.0:8080");
    }
}

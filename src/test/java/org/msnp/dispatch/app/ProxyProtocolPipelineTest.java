package org.msnp.dispatch.app;

/** {@link ProxyProtocolTest}'s cases on Netty's channel pipeline (the nio transport). */
class ProxyProtocolPipelineTest extends ProxyProtocolTest {
    @Override
    String base() {
        return super.base() + "transport: nio\n";
    }

    @Override
    String expectedConnections() {
        return "pipeline";
    }
}

package org.msnp.dispatch.app;

/** {@link ProxyProtocolTest}'s cases on Netty's channel pipeline (the nio transport). */
class ProxyProtocolPipelineTest extends ProxyProtocolTest {
    @Override
    String transport() {
        return "transport: nio\n";
    }

    @Override
    String expectedConnections() {
        return "pipeline";
    }
}

package org.msnp.dispatch.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayRequestTest {

    @Test
    void theThreeKindsOfRequest() {
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com"))
                .isEqualTo(new GatewayRequest.Open(Optional.of("messenger.hotmail.com")));
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?SessionID=954547325.13160"))
                .isEqualTo(new GatewayRequest.Send("954547325.13160"));
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?Action=poll&SessionID=954547325.32498"))
                .isEqualTo(new GatewayRequest.Poll("954547325.32498"));
    }

    @Test
    void msnp21Forms() {
        // BITLBEE: an empty SessionID on open, no IP; Lifespan on polls.
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?SessionID=&Action=open&Server=NS"))
                .isEqualTo(new GatewayRequest.Open(Optional.empty()));
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?SessionID=1.abc&Action=poll&Lifespan=60"))
                .isEqualTo(new GatewayRequest.Poll("1.abc"));
    }

    @Test
    void absoluteFormAsSentThroughAProxy() {
        assertThat(GatewayRequest.parse("http://gateway.messenger.hotmail.com/gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com"))
                .isEqualTo(new GatewayRequest.Open(Optional.of("messenger.hotmail.com")));
        assertThat(GatewayRequest.parse("http://gateway.messenger.hotmail.com?Action=open")).isInstanceOf(GatewayRequest.NotFound.class);
    }

    @Test
    void lenientAboutCaseStrictAboutServer() {
        assertThat(GatewayRequest.parse("/Gateway/Gateway.dll?action=OPEN&server=ns"))
                .isEqualTo(new GatewayRequest.Open(Optional.empty()));
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?Action=open&Server=SB&IP=1.2.3.4"))
                .isInstanceOf(GatewayRequest.Invalid.class);
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?Action=open")).isInstanceOf(GatewayRequest.Invalid.class);
    }

    @Test
    void whatIsNotAGatewayRequest() {
        assertThat(GatewayRequest.parse("/")).isInstanceOf(GatewayRequest.NotFound.class);
        assertThat(GatewayRequest.parse("/gateway/gateway.dll")).isInstanceOf(GatewayRequest.Invalid.class);
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?Action=poll")).isInstanceOf(GatewayRequest.Invalid.class);
        assertThat(GatewayRequest.parse("/gateway/gateway.dll?Action=fetch&SessionID=1.a")).isInstanceOf(GatewayRequest.Invalid.class);
    }

    @Test
    void sessionIdsReadBackOnlyInOurShape() {
        SessionIds ids = new SessionIds();
        String id = SessionIds.format(ids.newTunnel(), ids.newSecret());
        Optional<SessionIds.Presented> p = SessionIds.Presented.parse(id);
        assertThat(p).isPresent();
        assertThat(SessionIds.format(p.get().tunnel(), p.get().secret())).isEqualTo(id);
        assertThat(SessionIds.Presented.parse("954547325.13160")).isEmpty();
        assertThat(SessionIds.Presented.parse("99999999999." + "A".repeat(22))).isEmpty();
        assertThat(SessionIds.Presented.parse("-1." + "A".repeat(22))).isEmpty();
        assertThat(SessionIds.Presented.parse("." + "A".repeat(22))).isEmpty();
    }
}

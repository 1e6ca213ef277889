package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import org.junit.jupiter.api.Test;

/** The header checks behind the admin listener's gate. */
class AccessChecksTest {
    @Test
    void originMustNameTheHostTheRequestWasSentTo() {
        assertThat(Access.sameOrigin("http://127.0.0.1:9863", null, "127.0.0.1:9863")).isTrue();
        assertThat(Access.sameOrigin("https://admin.example.net", null, "admin.example.net")).as("through an HTTPS proxy").isTrue();
        assertThat(Access.sameOrigin("https://admin.example.net", null, "admin.example.net:443")).isTrue();
        assertThat(Access.sameOrigin("http://ADMIN.example.net", null, "admin.example.net")).isTrue();
        assertThat(Access.sameOrigin("http://[::1]:9863", null, "[::1]:9863")).isTrue();

        assertThat(Access.sameOrigin("http://admin.example.net:8080", null, "admin.example.net")).isFalse();
        assertThat(Access.sameOrigin("https://other.example.net", null, "admin.example.net")).as("a sibling site").isFalse();
        assertThat(Access.sameOrigin("http://127.0.0.1:9864", null, "127.0.0.1:9863")).isFalse();
        assertThat(Access.sameOrigin(null, null, "127.0.0.1:9863")).as("neither header").isFalse();
        assertThat(Access.sameOrigin("null", null, "127.0.0.1:9863")).as("an opaque origin").isFalse();
        assertThat(Access.sameOrigin("http://127.0.0.1:9863", null, null)).isFalse();
        assertThat(Access.sameOrigin("http://127.0.0.1:9863", null, "evil@127.0.0.1:9863")).isFalse();
        assertThat(Access.sameOrigin("not a url", null, "127.0.0.1:9863")).isFalse();
    }

    @Test
    void withoutAnOriginTheRefererCounts() {
        assertThat(Access.sameOrigin(null, "http://127.0.0.1:9863/login", "127.0.0.1:9863")).isTrue();
        assertThat(Access.sameOrigin(null, "http://evil.example/page", "127.0.0.1:9863")).isFalse();
        assertThat(Access.sameOrigin("http://evil.example", "http://127.0.0.1:9863/", "127.0.0.1:9863"))
                .as("an Origin is not overridden by a Referer").isFalse();
    }

    @Test
    void loopbackNamesAreLocalhostAndLoopbackLiterals() {
        assertThat(Access.loopbackName("localhost:9863")).isTrue();
        assertThat(Access.loopbackName("127.0.0.1")).isTrue();
        assertThat(Access.loopbackName("127.8.9.10:1")).isTrue();
        assertThat(Access.loopbackName("[::1]:9863")).isTrue();
        assertThat(Access.loopbackName("localhost.evil.example")).isFalse();
        assertThat(Access.loopbackName("127.0.0.1.nip.io")).isFalse();
        assertThat(Access.loopbackName("10.0.0.1:9863")).isFalse();
        assertThat(Access.loopbackName("")).isFalse();
        assertThat(Access.loopbackName(null)).isFalse();
    }

    @Test
    void everyMethodButGetHeadAndOptionsGetsTheOriginCheck() {
        assertThat(Access.changes(HandlerType.POST)).isTrue();
        assertThat(Access.changes(HandlerType.PUT)).isTrue();
        assertThat(Access.changes(HandlerType.DELETE)).isTrue();
        assertThat(Access.changes(HandlerType.PATCH)).isTrue();
        assertThat(Access.changes(HandlerType.GET)).isFalse();
        assertThat(Access.changes(HandlerType.HEAD)).isFalse();
        assertThat(Access.changes(HandlerType.OPTIONS)).isFalse();
    }

    @Test
    void messagesAreEscapedForThePage() {
        assertThat(Access.escape("<b a=\"1\">&'")).isEqualTo("&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }
}

package org.msnp.dispatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msnp.dispatch.policy.Decision;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.Verdict;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.session.VerReplyStyle;

/**
 * Reading the configuration file. Every refusal is one line:
 * {@code <source>:<line>: <dotted.key.path>: <problem>}.
 */
class ConfigLoaderTest {
    private static final String SOURCE = "dispatch.yaml";
    /** {@code source:line: path: problem}, the path in kebab-case with dots and [n]. */
    private static final Pattern FORM = Pattern.compile(
            "dispatch\\.yaml:(\\d+): ([a-z0-9-]+(?:\\[\\d+])*(?:\\.[a-z0-9-]+(?:\\[\\d+])*)*): (.+)");

    static final String GOOD_RULE = """
                - library: MSNMSGR
                  recommended: 7.0.0813
                  minimum: 6.2.0205
                  download-url: http://example.invalid/dl
                  info-url: http://messenger.msn.com
            """;

    /** The refusal of {@code yaml}. */
    static ConfigException refusal(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        assertThat(e).as("refusal of:\n%s", yaml).isNotNull();
        assertThat(e.getMessage()).as("one line").doesNotContain("\n").doesNotContain("\r");
        return e;
    }

    /** The refusal of {@code yaml}, checked against the one-line form; returns its parts. */
    static Matcher form(String yaml) {
        ConfigException e = refusal(yaml);
        Matcher m = FORM.matcher(e.getMessage());
        assertThat(m.matches()).as("'%s' has the form source:line: key.path: problem", e.getMessage()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(e.line());
        assertThat(m.group(2)).isEqualTo(e.field());
        assertThat(m.group(3)).isEqualTo(e.problem());
        return m;
    }

    /** 1-based number of the first line of {@code yaml} containing {@code marker}. */
    static int lineOf(String yaml, String marker) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(marker)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(marker + " not in " + yaml);
    }

    static int line(Matcher m) {
        return Integer.parseInt(m.group(1));
    }

    @Nested
    class UnknownKeys {
        @Test
        void atTheTopLevel() {
            String yaml = "listen: 127.0.0.1:0\nlisen: 127.0.0.1:1\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("lisen");
            assertThat(m.group(3)).startsWith("unknown key").contains("listen", "version-policy", "protocol");
            assertThat(line(m)).isBetween(lineOf(yaml, "lisen"), lineOf(yaml, "lisen") + 1);
        }

        @Test
        void nestedInProtocol() {
            String yaml = "listen: 127.0.0.1:0\nprotocol:\n  verreply: single\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("protocol.verreply");
            assertThat(m.group(3)).startsWith("unknown key").contains("ver-reply");
            assertThat(line(m)).isBetween(lineOf(yaml, "verreply"), lineOf(yaml, "verreply") + 1);
        }

        @Test
        void inTheSecondRule() {
            String yaml = "version-policy:\n  rules:\n" + GOOD_RULE + GOOD_RULE + "      flavour: vanilla\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("version-policy.rules[1].flavour");
            assertThat(m.group(3)).startsWith("unknown key").contains("info-url", "download-urls", "recommended-2");
            assertThat(line(m)).isBetween(lineOf(yaml, "flavour"), lineOf(yaml, "flavour") + 1);
        }

        @Test
        void theLineIsTheKeysLineWhereverItStands() {
            String yaml = "lisen: x\nlisten: 127.0.0.1:0\ndialects: MSNP8\n";
            assertThat(line(form(yaml))).isEqualTo(1);
            String rules = "version-policy:\n  rules:\n" + GOOD_RULE
                    + "    - flavour: vanilla\n" + GOOD_RULE.substring(GOOD_RULE.indexOf("      recommended")) + GOOD_RULE;
            assertThat(line(form(rules))).isEqualTo(lineOf(rules, "flavour"));
        }
    }

    @Nested
    class Values {
        @Test
        void anEnumValueListsTheKebabCaseChoices() {
            String yaml = "protocol:\n  ver-reply: both\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("protocol.ver-reply");
            assertThat(m.group(3)).isEqualTo("'both' is not one of echo-cvr0, single, echo-all, cvr0-first");
            assertThat(line(m)).isEqualTo(2);
        }

        @Test
        void otherEnums() {
            assertThat(form("version-policy:\n  unknown-clients: REJECT_420\n").group(3))
                    .isEqualTo("'REJECT_420' is not one of reject-420, placeholder, echo");
            assertThat(form("protocol:\n  dialect-names: ignore\n").group(3))
                    .isEqualTo("'ignore' is not one of case-sensitive, case-insensitive");
            assertThat(form("notification-servers:\n  selection: random\n").group(3))
                    .isEqualTo("'random' is not one of round-robin, handle-hash");
            assertThat(form("protocol:\n  inf-in-msnp8-plus: 502\n").group(3))
                    .isEqualTo("'502' is not one of close, error-502");
        }

        @Test
        void aBadDurationIsNamedWithItsValue() {
            String yaml = "limits:\n  idle-timeout: 60 seconds\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).startsWith("limits");
            assertThat(m.group(3)).contains("'60 seconds' is not a duration").contains("60s");
            assertThat(line(m)).isBetween(2, 3);
        }

        @Test
        void aBadDurationNamesItsKeyAndLine() {
            String yaml = "limits:\n  idle-timeout: 60 seconds\n  login-timeout: 5s\n  max-line-length: 512\nprotocol:\n  out-reply: false\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("limits.idle-timeout");
            assertThat(line(m)).isEqualTo(2);
            assertThat(form("version-policy:\n  version-ceiling: x.y\n").group(2)).isEqualTo("version-policy.version-ceiling");
        }

        @Test
        void aBadDialectRangeSaysWhatIsWrong() {
            ConfigException e = refusal("dialects: MSNP8..MSNP30\n");
            assertThat(e.getMessage()).startsWith(SOURCE + ":").contains("'MSNP30' is not a dialect")
                    .contains("MSNP8..MSNP21");
            assertThat(refusal("dialects: MSNP21..MSNP8\n").getMessage()).contains("'MSNP21..MSNP8' runs backwards");
            assertThat(refusal("dialects: msnp8\n").getMessage()).contains("'msnp8' is not a dialect");
            assertThat(refusal("dialects: MSNP8,,MSNP9\n").getMessage()).contains("is not a dialect");
        }

        @Test
        void aBadDialectRangeNamesItsKeyAndLine() {
            Matcher m = form("dialects: MSNP8..MSNP30\nlisten: 127.0.0.1:0\n");
            assertThat(m.group(2)).isEqualTo("dialects");
            assertThat(line(m)).isEqualTo(1);
            assertThat(form("listen: nowhere\n").group(2)).isEqualTo("listen");
            assertThat(form("foreign-handles: [example.com]\n").group(2)).isEqualTo("foreign-handles");
        }

        @Test
        void wrongTypeListWhereANumberIsExpected() {
            String yaml = "limits:\n  max-line-length: [1, 2]\n  idle-timeout: 5s\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("limits.max-line-length");
            assertThat(m.group(3)).startsWith("expected a whole number");
            assertThat(line(m)).isEqualTo(2);
        }

        @Test
        void wrongTypeBlockListWhereANumberIsExpected() {
            String yaml = "limits:\n  max-line-length:\n    - 1\n    - 2\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("limits.max-line-length");
            assertThat(line(m)).isBetween(2, 3);
        }

        @Test
        void otherWrongTypes() {
            assertThat(form("limits:\n  max-line-length: lots\n").group(3)).startsWith("expected a whole number");
            assertThat(form("limits:\n  max-line-length: true\n").group(3)).startsWith("expected a whole number");
            assertThat(form("proxy-protocol: maybe\n").group(3)).startsWith("expected true or false");
            Matcher m = form("version-policy:\n  rules: MSNMSGR\n");
            assertThat(m.group(2)).isEqualTo("version-policy.rules");
            assertThat(m.group(3)).startsWith("expected a list");
        }

        @Test
        void wrongTypeMessagesSpeakYamlNotJava() {
            assertThat(form("version-policy:\n  rules: MSNMSGR\n").group(3)).doesNotContain("java.", "org.msnp", "$");
        }

        @Test
        void limitsOutOfRange() {
            assertThat(form("limits:\n  max-line-length: 10\n").group(3)).contains("max-line-length must be 256..1048576");
            assertThat(form("protocol:\n  no-notification-server: 700\n").group(3))
                    .contains("no-notification-server must be 500, 600 or 601");
            assertThat(form("notification-servers:\n  targets: [\"10.0.0.5\"]\n").group(2))
                    .isEqualTo("notification-servers.targets[0]");
        }
    }

    @Nested
    class Rules {
        @Test
        void minimumAboveRecommended() {
            String yaml = "version-policy:\n  rules:\n" + GOOD_RULE.replace("minimum: 6.2.0205", "minimum: 8.0.0787")
                    + GOOD_RULE + "limits:\n  idle-timeout: 5s\n";
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("version-policy.rules[0].minimum");
            assertThat(m.group(3)).isEqualTo("minimum 8.0.0787 is above recommended 7.0.0813");
            // the rule spans lines 3-7; the report may name the line after it
            assertThat(line(m)).isBetween(3, 8);
        }

        @Test
        void missingInfoUrl() {
            String rule = GOOD_RULE.replace("      info-url: http://messenger.msn.com\n", "");
            String yaml = "version-policy:\n  rules:\n" + GOOD_RULE + rule + GOOD_RULE;
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("version-policy.rules[1]");
            assertThat(m.group(3)).isEqualTo("a rule needs info-url");
            assertThat(line(m)).isBetween(8, 12);
        }

        @ParameterizedTest(name = "missing {0}")
        @ValueSource(strings = {"library", "recommended", "minimum", "download-url"})
        void everyRequiredKeyIsNamed(String key) {
            String rule = GOOD_RULE.lines().filter(l -> !l.trim().replace("- ", "").startsWith(key + ":"))
                    .map(l -> l + "\n").reduce("", String::concat);
            if (key.equals("library")) {
                rule = rule.replaceFirst(" {6}recommended", "    - recommended");
            }
            Matcher m = form("version-policy:\n  rules:\n" + rule);
            assertThat(m.group(2)).isEqualTo("version-policy.rules[0]");
            assertThat(m.group(3)).isEqualTo("a rule needs " + key);
        }

        @Test
        void anUnknownLcidInLocales() {
            String yaml = "version-policy:\n  rules:\n" + GOOD_RULE + "      locales: [0x0409, 0x1111]\n" + GOOD_RULE;
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("version-policy.rules[0].locales[1]");
            assertThat(m.group(3)).contains("'0x1111' is not a Windows LCID");
            assertThat(line(m)).isBetween(lineOf(yaml, "0x1111"), lineOf(yaml, "0x1111") + 1);
        }

        @Test
        void aMalformedLcidInLocales() {
            Matcher m = form("version-policy:\n  rules:\n" + GOOD_RULE + "      locales: [en-US]\n");
            assertThat(m.group(3)).contains("'en-US' is not a Windows LCID");
        }

        @Test
        void anUnknownLcidAsADownloadUrlsKey() {
            Matcher m = form("version-policy:\n  rules:\n" + GOOD_RULE + "      download-urls:\n        0x1111: http://x/y\n");
            assertThat(m.group(3)).contains("'0x1111' is not a Windows LCID");
        }

        @Test
        void aUrlWithASpace() {
            String yaml = "version-policy:\n  rules:\n"
                    + GOOD_RULE.replace("http://example.invalid/dl", "http://example.invalid/my setup.exe");
            Matcher m = form(yaml);
            assertThat(m.group(2)).isEqualTo("version-policy.rules[0].download-url");
            assertThat(m.group(3)).contains("a URL must be printable ASCII without spaces").contains("%20");
            assertThat(line(m)).isBetween(3, 8);
        }

        @Test
        void aUrlWithASpaceOutsideARule() {
            Matcher m = form("version-policy:\n  unknown-info-url: \"http://example.invalid/a b\"\n");
            assertThat(m.group(2)).isEqualTo("version-policy.unknown-info-url");
            assertThat(m.group(3)).contains("a URL must be printable ASCII without spaces");
        }

        @Test
        void aRangeThatRunsBackwards() {
            Matcher m = form("version-policy:\n  rules:\n" + GOOD_RULE + "      from: 7.0\n      below: 6.0\n");
            assertThat(m.group(2)).isEqualTo("version-policy.rules[0].below");
            assertThat(m.group(3)).contains("from 7.0 is not below 6.0");
        }
    }

    @Nested
    class YamlSyntax {
        @Test
        void aColonInAPlainValue() {
            ConfigException e = refusal("version-policy:\n  rules:\n    - library: a: b\n");
            assertThat(e.getMessage()).isEqualTo(SOURCE + ":3: YAML syntax: mapping values are not allowed here");
        }

        @Test
        void anUnterminatedQuote() {
            ConfigException e = refusal("admin:\n  enabled: false\nlisten: \"127.0.0.1:0\n");
            assertThat(e.getMessage()).startsWith(SOURCE + ":").contains(": YAML syntax: ");
            assertThat(e.line()).isBetween(3, 4);
        }

        @Test
        void aTabSaysItIsATab() {
            ConfigException e = refusal("protocol:\n\tver-reply: single\n");
            assertThat(e.getMessage()).contains("cannot start any token");
            assertThat(e.line()).isEqualTo(2);
        }
    }

    @Nested
    class Defaults {
        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"", " ", "\n\n", "---\n", "~\n"})
        void anEmptyFileGivesTheDefaults(String text) throws Exception {
            assertThat(ConfigLoader.parse(text, SOURCE)).isEqualTo(DispatchConfig.defaults());
        }

        @Test
        void anEmptyFileOnDiskGivesTheDefaults(@TempDir Path dir) throws Exception {
            Path f = Files.writeString(dir.resolve("empty.yaml"), "");
            assertThat(ConfigLoader.load(f)).isEqualTo(DispatchConfig.defaults());
        }

        @Test
        void aFileOfCommentsGivesTheDefaults() throws Exception {
            assertThat(ConfigLoader.parse("# nothing yet\n", SOURCE)).isEqualTo(DispatchConfig.defaults());
        }

        @Test
        void aMissingFileIsOneLineNamingIt(@TempDir Path dir) {
            Path f = dir.resolve("nope.yaml");
            assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                    .hasMessage(f + ": no such file");
        }

        @Test
        void theDefaultsAreTheDocumentedOnes() {
            DispatchConfig d = DispatchConfig.defaults();
            assertThat(d.listen()).isEqualTo(new BindAddress("0.0.0.0", 1863));
            assertThat(d.notificationServers().targets()).extracting(t -> t.address().toString())
                    .containsExactly("127.0.0.1:1864");
            assertThat(d.sessionRules().dialects()).hasSize(22).contains(Dialect.MSNP2, Dialect.MSNP23);
            assertThat(d.sessionRules().verReply()).isEqualTo(VerReplyStyle.ECHO_CVR0);
            assertThat(d.versionPolicy().unknownClients()).isEqualTo(UnknownClients.Mode.ECHO);
            assertThat(d.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(d.limits().maxLineLength()).isEqualTo(4096);
            assertThat(d.publicHostPort()).isEmpty();
        }

        @Test
        void duplicateKeysAreRefused() {
            Matcher m = form("listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n");
            assertThat(m.group(2)).isEqualTo("listen");
            assertThat(line(m)).isEqualTo(2);
        }
    }

    @Test
    void aFullFileBindsEveryKey() throws Exception {
        String yaml = """
                listen: 127.0.0.1:0
                public-address: 10.0.0.1:1863
                dialects: MSNP2..MSNP7, MSNP13
                foreign-handles: ["*@elsewhere.example", someone@example.com]
                protocol:
                  ver-reply: single
                  dialect-names: case-insensitive
                  inf-msnp2: [MD5, CTP]
                  inf-in-msnp8-plus: error-502
                  out-reply: false
                  no-notification-server: 601
                notification-servers:
                  selection: handle-hash
                  targets:
                    - 10.0.0.5:1863
                    - {address: 10.0.0.6:1863, weight: 3}
                  health-check: {enabled: false}
                version-policy:
                  unknown-clients: reject-420
                  version-ceiling: 15.0
                  rules:
                    - library: MSNMSGR
                      os-types: [winnt]
                      locales: [0x0804, 0X040C]
                      from: 14.0
                      recommended: 14.0.8117
                      minimum: 14.0.8117
                      download-url: http://dl.example/{lang}/wlsetup.exe
                      download-urls: {0x0804: http://dl.example/fr/wlsetup-cvr.exe}
                      info-url: http://download.live.com/?sku=messenger
                limits:
                  idle-timeout: 2m
                  login-timeout: 1500ms
                  max-line-length: 512
                """;
        DispatchConfig c = ConfigLoader.parse(yaml, SOURCE);
        assertThat(c.publicHostPort()).map(Object::toString).contains("10.0.0.1:1863");
        assertThat(c.sessionRules().dialects()).containsExactlyInAnyOrder(Dialect.MSNP2, Dialect.MSNP3, Dialect.MSNP4,
                Dialect.MSNP5, Dialect.MSNP6, Dialect.MSNP7, Dialect.MSNP13);
        assertThat(c.sessionRules().verReply()).isEqualTo(VerReplyStyle.SINGLE);
        assertThat(c.sessionRules().dialectNamesIgnoreCase()).isTrue();
        assertThat(c.sessionRules().infMsnp2()).containsExactly("MD5", "CTP");
        assertThat(c.sessionRules().outReply()).isFalse();
        assertThat(c.sessionRules().noNotificationServer().code()).isEqualTo(601);
        assertThat(c.foreign().contains("anyone@ELSEWHERE.example")).isTrue();
        assertThat(c.notificationServers().targets()).extracting(DispatchConfig.Target::weight).containsExactly(1, 3);
        assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.limits().loginTimeout()).isEqualTo(Duration.ofMillis(1500));

        var policy = c.versionPolicy().build();
        ClientInfo acl = ((ClientInfo.Valid) ClientInfo.read(
                List.of("0x0804 winnt 6.1.1 i386 MSNMSGR 14.0.8117.0416 MSNMSGR someone@example.com".split(" ")))).info();
        Decision.Answer a = (Decision.Answer) policy.decide(acl);
        assertThat(a.verdict()).isEqualTo(Verdict.CURRENT);
        assertThat(a.downloadUrl().resolve(acl.locale())).isEqualTo("http://dl.example/fr/wlsetup-cvr.exe");
        assertThat(a.downloadUrl().resolve(0x040c)).isEqualTo("http://dl.example/fr-fr/wlsetup.exe");
        ClientInfo tooNew = ((ClientInfo.Valid) ClientInfo.read(
                List.of("0x0804 winnt 6.1.1 i386 MSNMSGR 15.4.3508.1109".split(" ")))).info();
        assertThat(policy.decide(tooNew)).isInstanceOf(Decision.Reject.class);
    }

    /** Who may send a PROXY header; how IPv6 clients are counted. */
    @Nested
    class ProxyAddresses {
        @Test
        void trustedProxiesDefaultToThisMachine() {
            DispatchConfig c = DispatchConfig.defaults();
            assertThat(c.proxyProtocolTrusted()).extracting(AddressRange::toString).containsExactly("127.0.0.0/8", "::1/128");
            assertThat(c.limits().ipv6PrefixLength()).isEqualTo(64);
        }

        @Test
        void trustedProxiesAreAddressesOrRangesOfEitherFamily() throws Exception {
            DispatchConfig c = ConfigLoader.parse("""
                    proxy-protocol: true
                    proxy-protocol-trusted:
                      - 10.0.0.7
                      - 192.168.0.0/16
                      - "2001:db8::/32"
                      - "fd00::5"
                    limits:
                      ipv6-prefix-length: 56
                    """, SOURCE);
            assertThat(c.proxyProtocolTrusted()).extracting(AddressRange::toString)
                    .containsExactly("10.0.0.7/32", "192.168.0.0/16", "2001:db8::/32", "fd00::5/128");
            assertThat(c.limits().ipv6PrefixLength()).isEqualTo(56);
        }

        @Test
        void aBadRangeIsNamedWithItsLineAndIndex() {
            String head = "proxy-protocol: true\nproxy-protocol-trusted:\n  - 10.0.0.0/8\n";
            Matcher m = form(head + "  - 10.0.0.0/33\n");
            assertThat(m.group(2)).isEqualTo("proxy-protocol-trusted[1]");
            assertThat(line(m)).isEqualTo(4);
            assertThat(m.group(3)).contains("prefix length after / must be 0..32");
            m = form(head + "  - \"2001:db8::/129\"\n");
            assertThat(line(m)).isEqualTo(4);
            assertThat(m.group(3)).contains("0..128");
            m = form(head + "  - proxy.example.net\n");
            assertThat(m.group(2)).isEqualTo("proxy-protocol-trusted[1]");
            assertThat(m.group(3)).contains("is not an IP address or CIDR range");
            for (String bad : List.of("10.0.0.0/", "10.0.0.0/x", "10.0.0/8", "/8", "10.0.0.0/8/8", "::1/-1")) {
                assertThat(line(form(head + "  - \"" + bad + "\"\n"))).as(bad).isEqualTo(4);
            }
        }

        @Test
        void anEmptyTrustListWithProxyProtocolOnIsRefused() {
            Matcher m = form("listen: 0.0.0.0:1863\nproxy-protocol: true\nproxy-protocol-trusted: []\n");
            assertThat(m.group(2)).isEqualTo("proxy-protocol-trusted");
            assertThat(line(m)).isEqualTo(3);
            assertThat(m.group(3)).contains("at least one address");
        }

        @Test
        void theIpv6PrefixLengthIsBounded() {
            for (int bad : new int[] {0, 31, 129}) {
                Matcher m = form("limits:\n  max-connections: 10\n  ipv6-prefix-length: " + bad + "\n");
                assertThat(m.group(2)).isEqualTo("limits.ipv6-prefix-length");
                assertThat(line(m)).isEqualTo(3);
                assertThat(m.group(3)).contains("ipv6-prefix-length must be 32..128");
            }
        }
    }

    /** Where GW-IP comes from. */
    @Nested
    class GatewayHost {
        @Test
        void aGatewayBeyondLoopbackNeedsItsPublicHost() throws Exception {
            Matcher m = form("gateway:\n  enabled: true\n  listen: 0.0.0.0:8080\n");
            assertThat(m.group(2)).isEqualTo("gateway.listen");
            assertThat(line(m)).isEqualTo(3);
            assertThat(m.group(3)).contains("gateway.public-host is required");
            m = form("admin: {enabled: false}\ngateway:\n  enabled: true\n");
            assertThat(m.group(2)).isEqualTo("gateway.enabled");
            assertThat(line(m)).isEqualTo(3);
            assertThat(form("gateway:\n  enabled: true\n  listen: \"[::]:80\"\n").group(3)).contains("public-host is required");
            assertThat(form("gateway:\n  enabled: true\n  listen: gw.example.net:80\n").group(3)).contains("public-host is required");
            // fine: on loopback, with a public host, or switched off
            for (String ok : List.of("127.0.0.1:8080", "127.0.0.2:80", "\"[::1]:8080\"", "localhost:8080")) {
                assertThat(ConfigLoader.parse("gateway:\n  enabled: true\n  listen: " + ok + "\n", SOURCE).gateway().enabled())
                        .as(ok).isTrue();
            }
            assertThat(ConfigLoader.parse("gateway:\n  enabled: true\n  public-host: gw.example.net\n", SOURCE)
                    .gateway().publicHostName()).contains("gw.example.net");
            assertThat(ConfigLoader.parse("gateway:\n  listen: 0.0.0.0:8080\n", SOURCE).gateway().enabled()).isFalse();
        }
    }
}

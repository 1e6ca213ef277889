package org.msnp.dispatch.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.config.ConfigLoader;

/** The verdict a policy gives one census client, as the console's build list shows it. */
class PolicyPreviewVerdictTest {
    static VersionPolicy policy() throws Exception {
        return ConfigLoader.parse("""
                version-policy:
                  unknown-clients: reject-420
                  rules:
                    - library: MSNMSGR
                      os-types: [winnt]
                      recommended: 7.0.0813
                      minimum: 6.0.0602
                      download-url: http://www.example.net/msn.exe
                      info-url: http://www.example.net/
                """, "test.yaml").versionPolicy().build();
    }

    static Optional<String> verdict(String library, String build, String os, String locale) throws Exception {
        return PolicyPreview.verdictOf(policy(), new PolicyPreview.Client(library, build, os, locale, 1));
    }

    @Test
    void aCensusClientIsDecidedAsItsCvrWouldBe() throws Exception {
        assertThat(verdict("MSNMSGR", "7.0.0813", "winnt", "0x0409")).hasValue("current");
        assertThat(verdict("MSNMSGR", "6.2.0205", "winnt", "0x0411")).hasValue("upgrade-offered");
        assertThat(verdict("MSNMSGR", "5.0.0540", "winnt", "-")).as("no locale: decided as 0x0409").hasValue("below-minimum");
        assertThat(verdict("MSNMSGR", "6.2.0205", "win", "0x0409")).as("another OS: no rule").hasValue("rejected-420");
        assertThat(verdict("MSNMSGR", "6.2.0205", "-", "0x0409")).as("no OS: a rule naming OS types does not match")
                .hasValue("rejected-420");
        assertThat(verdict("MSMSGS", "4.7.3001", "win", "0x0409")).hasValue("rejected-420");
    }

    @Test
    void whatTheCensusCannotTellIsNotDecided() throws Exception {
        assertThat(verdict("other", "other", "other", "0x0409")).isEmpty();
        assertThat(verdict("-", "-", "-", "-")).isEmpty();
        assertThat(verdict("MSNMSGR", "6.2.0205", "winnt", "0x04zz")).isEmpty();
    }
}

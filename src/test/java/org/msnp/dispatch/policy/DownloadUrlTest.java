package org.msnp.dispatch.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Localised installer URLs (cvq-cvr.md §6: ACL's 0x0804 reply names a /fr/ installer). */
class DownloadUrlTest {

    @Test
    void aFixedUrlIsTheSameForEveryLocale() {
        DownloadUrl u = DownloadUrl.fixed("http://example.invalid/SetupDl.exe");
        assertThat(u.resolve(0x0409)).isEqualTo("http://example.invalid/SetupDl.exe");
        assertThat(u.resolve(0x0804)).isEqualTo("http://example.invalid/SetupDl.exe");
        assertThat(u.template()).isEqualTo("http://example.invalid/SetupDl.exe");
    }

    @Test
    void lcidBecomesFourHexDigits() {
        DownloadUrl u = DownloadUrl.of("http://dl.example/{lcid}/setup.exe", Map.of());
        assertThat(u.resolve(0x0409)).isEqualTo("http://dl.example/0409/setup.exe");
        assertThat(u.resolve(0x040c)).isEqualTo("http://dl.example/040c/setup.exe");
    }

    @Test
    void langBecomesTheLowerCaseTag() {
        DownloadUrl u = DownloadUrl.of("http://dl.example/{lang}/setup.exe", Map.of());
        assertThat(u.resolve(0x0409)).isEqualTo("http://dl.example/en-us/setup.exe");
        assertThat(u.resolve(0x0804)).isEqualTo("http://dl.example/zh-cn/setup.exe");
        assertThat(u.resolve(0x0412)).isEqualTo("http://dl.example/ko-kr/setup.exe");
    }

    @Test
    void bothPlaceholdersAndRepeats() {
        DownloadUrl u = DownloadUrl.of("http://dl.example/{lang}/{lcid}/{lang}.exe", Map.of());
        assertThat(u.resolve(0x040c)).isEqualTo("http://dl.example/fr-fr/040c/fr-fr.exe");
    }

    @Test
    void aLocaleWithoutATagFallsBackToItsHexDigits() {
        DownloadUrl u = DownloadUrl.of("http://dl.example/{lang}/setup.exe", Map.of());
        assertThat(u.resolve(0x1111)).isEqualTo("http://dl.example/1111/setup.exe");
    }

    @Test
    void thePerLocaleTableBeatsTheTemplate() {
        DownloadUrl u = DownloadUrl.of("http://dl.example/{lang}/setup.exe",
                Map.of(0x0804, "http://dl.example/fr/wlsetup-cvr.exe", 0x0412, "http://dl.example/kr.exe"));
        assertThat(u.resolve(0x0804)).isEqualTo("http://dl.example/fr/wlsetup-cvr.exe");
        assertThat(u.resolve(0x0412)).isEqualTo("http://dl.example/kr.exe");
        assertThat(u.resolve(0x0409)).isEqualTo("http://dl.example/en-us/setup.exe");
    }

    @Test
    void thePerLocaleTableBeatsAPlainUrlToo() {
        DownloadUrl u = DownloadUrl.of("http://dl.example/setup.exe", Map.of(0x040c, "http://dl.example/fr.exe"));
        assertThat(u.resolve(0x040c)).isEqualTo("http://dl.example/fr.exe");
        assertThat(u.resolve(0x0409)).isEqualTo("http://dl.example/setup.exe");
        assertThat(u).hasToString("http://dl.example/setup.exe");
    }
}

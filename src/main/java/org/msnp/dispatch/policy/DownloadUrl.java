package org.msnp.dispatch.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.msnp.dispatch.protocol.Lcid;

/**
 * A download URL that may differ per locale: first an exact per-LCID table, then a template in
 * which {@code {lcid}} becomes the four hex digits ({@code 0409}) and {@code {lang}} the
 * lower-case language tag ({@code en-us}).
 */
public final class DownloadUrl {
    private final String template;
    private final boolean plain;
    private final int[] locales;
    private final String[] urls;

    private DownloadUrl(String template, Map<Integer, String> perLocale) {
        this.template = template;
        this.plain = !template.contains("{lcid}") && !template.contains("{lang}");
        TreeMap<Integer, String> sorted = new TreeMap<>(perLocale);
        this.locales = sorted.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.urls = sorted.values().toArray(String[]::new);
    }

    public static DownloadUrl fixed(String url) {
        return new DownloadUrl(url, Map.of());
    }

    public static DownloadUrl of(String template, Map<Integer, String> perLocale) {
        return new DownloadUrl(template, perLocale);
    }

    /** The URL for a client of locale {@code lcid}; allocation-free unless a template is expanded. */
    public String resolve(int lcid) {
        if (locales.length > 0) {
            int i = Arrays.binarySearch(locales, lcid);
            if (i >= 0) {
                return urls[i];
            }
        }
        if (plain) {
            return template;
        }
        String hex = String.format("%04x", lcid);
        String lang = Lcid.tag(lcid).orElse(hex).toLowerCase(Locale.ROOT);
        return template.replace("{lcid}", hex).replace("{lang}", lang);
    }

    public String template() {
        return template;
    }

    @Override
    public String toString() {
        return template;
    }
}

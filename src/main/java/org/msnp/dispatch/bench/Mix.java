package org.msnp.dispatch.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The handshakes the load generator cycles through, with the exact replies of a server running
 * {@link KnownConfig}. The shares follow the dialect families of dispatch-server.md §3: 15 %
 * MSNP2–7 (VER, INF, USR MD5), 25 % MSNP8–12 (VER, CVR, USR TWN), 30 % MSNP13–20 (VER, CVR, USR
 * TWN/SSO, {@code U D}), 20 % MSNP21 (CVR and XFR carry the state token) and 10 % CVR0-only
 * clients (VER, CVQ). Lines are the ones real clients send (§7, clients.md). The CVR0-only client
 * offers {@code MSNP24}, a name no dispatch server negotiates (VER ends with MSNP23), so that it
 * falls back to CVQ whatever dialects a foreign target speaks.
 */
public final class Mix {
    private static final String NS = KnownConfig.NS;
    private static final String SELF = KnownConfig.SELF;

    static final String MSN75 = "7.5.0324 7.5.0324 5.0.0537 http://download.example.net/msn/7.5/setup.exe"
            + " http://messenger.example.net";
    static final String WLM85 = "8.5.1302.1018 8.5.1302.1018 8.0.0787 http://download.example.net/wlm/8.5/%s"
            + "/Install_Messenger.exe http://messenger.example.net/wlm";
    static final String WLM2011 = "15.4.3508.1109 15.4.3508.1109 14.0.8117.0416 http://download.example.net/wlm/2011/%s"
            + "wlsetup.exe http://messenger.example.net/wlm";
    static final String STATE_1 = "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==";
    static final String STATE_2 = "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDINCg==";

    public static final Handshake MSNP2 = Handshake.of("MSNP2", "MSNP2-7",
            "VER 1 MSNP2 CVR0", "VER 1 MSNP2 CVR0",
            "INF 2", "INF 2 MD5",
            "USR 3 MD5 I henry@hotmail.com", "XFR 3 NS " + NS);
    public static final Handshake MSNP5 = Handshake.of("MSNP5", "MSNP2-7",
            "VER 1 MSNP5 MSNP4 MSNP3 CVR0", "VER 1 MSNP5 CVR0",
            "INF 2", "INF 2 MD5",
            "USR 3 MD5 I ian@hotmail.com", "XFR 3 NS " + NS + " 0");
    public static final Handshake MSNP7 = Handshake.of("MSNP7", "MSNP2-7",
            "VER 1 MSNP7 MSNP6 MSNP5 MSNP4 CVR0", "VER 1 MSNP7 CVR0",
            "INF 2", "INF 2 MD5",
            "USR 3 MD5 I jane@hotmail.com", "XFR 3 NS " + NS + " 0 " + SELF);
    public static final Handshake MSNP8 = Handshake.of("MSNP8", "MSNP8-12",
            "VER 1 MSNP8 CVR0", "VER 1 MSNP8 CVR0",
            "CVR 2 0x0409 win 4.10 i386 MSNMSGR 5.0.0537 MSMSGS example@hotmail.com", "CVR 2 " + MSN75,
            "USR 3 TWN I example@hotmail.com", "XFR 3 NS " + NS + " 0 " + SELF);
    public static final Handshake MSNP11 = Handshake.of("MSNP11", "MSNP8-12",
            "VER 1 MSNP11 MSNP10 MSNP9 CVR0", "VER 1 MSNP11 CVR0",
            "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 MSMSGS alice@hotmail.com", "CVR 2 " + MSN75,
            "USR 3 TWN I alice@hotmail.com", "XFR 3 NS " + NS + " 0 " + SELF);
    public static final Handshake MSNP12 = Handshake.of("MSNP12", "MSNP8-12",
            "VER 1 MSNP12 MSNP11 MSNP10 MSNP9 MSNP8 CVR0", "VER 1 MSNP12 CVR0",
            "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.5.0324 MSMSGS bob@hotmail.com", "CVR 2 " + MSN75,
            "USR 3 TWN I bob@hotmail.com", "XFR 3 NS " + NS + " 0 " + SELF);
    public static final Handshake MSNP13 = Handshake.of("MSNP13", "MSNP13-20",
            "VER 1 MSNP13 CVR0", "VER 1 MSNP13 CVR0",
            "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 8.0.0787 msmsgs carol@hotmail.com", "CVR 2 " + WLM85.formatted("en-us"),
            "USR 3 TWN I carol@hotmail.com", "XFR 3 NS " + NS + " U D");
    public static final Handshake MSNP15 = Handshake.of("MSNP15", "MSNP13-20",
            "VER 1 MSNP15 MSNP14 MSNP13 CVR0", "VER 1 MSNP15 CVR0",
            "CVR 2 0x0407 winnt 5.1 i386 MSNMSGR 8.5.1302.1018 MSNMSGR dave@hotmail.de", "CVR 2 " + WLM85.formatted("de-de"),
            "USR 3 SSO I dave@hotmail.de", "XFR 3 NS " + NS + " U D");
    public static final Handshake MSNP18 = Handshake.of("MSNP18", "MSNP13-20",
            "VER 1 MSNP18 MSNP17 MSNP16 CVR0", "VER 1 MSNP18 CVR0",
            "CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 14.0.8117.0416 MSNMSGR erin@live.com", "CVR 2 " + WLM2011.formatted(""),
            "USR 3 SSO I erin@live.com", "XFR 3 NS " + NS + " U D");
    public static final Handshake MSNP21 = Handshake.of("MSNP21", "MSNP21",
            "VER 1 MSNP21 MSNP20 MSNP19 MSNP18 MSNP17 CVR0", "VER 1 MSNP21 CVR0",
            "CVR 2 0x0407 winnt 6.1.0 i386 MSNMSGR 15.4.3508.1109 MSNMSGR frank@live.de " + STATE_1,
            "CVR 2 " + WLM2011.formatted("de-de/"),
            "USR 3 SSO I frank@live.de", "XFR 3 NS " + NS + " U D " + STATE_2);
    public static final Handshake CVQ = Handshake.of("CVR0", "CVR0-CVQ",
            "VER 1 MSNP24 CVR0", "VER 1 CVR0",
            "CVQ 2 0x0409 winnt 6.2 x64 MSNMSGR 16.4.3528.0331 MSNMSGR grace@outlook.com", "CVQ 2 " + WLM2011.formatted(""));

    /** Every script once. */
    public static final List<Handshake> ALL = List.of(MSNP2, MSNP5, MSNP7, MSNP8, MSNP11, MSNP12, MSNP13, MSNP15,
            MSNP18, MSNP21, CVQ);

    private Mix() {
    }

    /**
     * One cycle of the mix, 20 handshakes long: the i-th connection of a run plays
     * {@code cycle.get(i % 20)}, so every run and every server sees the same sequence.
     */
    public static List<Handshake> standard() {
        List<Handshake> c = new ArrayList<>();
        add(c, MSNP2, 1);
        add(c, MSNP5, 1);
        add(c, MSNP7, 1);
        add(c, MSNP8, 2);
        add(c, MSNP11, 1);
        add(c, MSNP12, 2);
        add(c, MSNP13, 1);
        add(c, MSNP15, 2);
        add(c, MSNP18, 3);
        add(c, MSNP21, 4);
        add(c, CVQ, 2);
        // Interleave so that families alternate rather than arrive in blocks.
        List<Handshake> out = new ArrayList<>();
        for (int stride = 0; stride < 4; stride++) {
            for (int i = stride; i < c.size(); i += 4) {
                out.add(c.get(i));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The cycle named on the command line: {@code standard}, or script names of {@link #ALL}
     * separated by commas ({@code MSNP8}, {@code MSNP8,MSNP18}), played in turn.
     *
     * @throws IllegalArgumentException naming the known scripts
     */
    public static List<Handshake> named(String spec) {
        if (spec.equalsIgnoreCase("standard")) {
            return standard();
        }
        List<Handshake> c = new ArrayList<>();
        for (String name : spec.split(",")) {
            Handshake h = ALL.stream().filter(s -> s.name().equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown script '" + name.trim() + "' in --mix; known: "
                            + "standard, or any of " + String.join(", ", ALL.stream().map(Handshake::name).toList())));
            c.add(h);
        }
        return List.copyOf(c);
    }

    private static void add(List<Handshake> c, Handshake h, int times) {
        for (int i = 0; i < times; i++) {
            c.add(h);
        }
    }
}

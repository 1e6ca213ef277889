package org.msnp.dispatch.bench;

/** Tiny servers of other kinds than ours. */
final class TinyServers {
    static final String POLICY = "<Policies><Policy type=\"SHIELDS\"/></Policies>";

    private TinyServers() {
    }

    /**
     * A server that is Dispatch and Notification Server in one, keeping every connection: VER and
     * CVR as a dispatch server answers them, then its own authentication step for USR — for
     * {@code USR 3 TWN I} the TWN challenge, for {@code USR 3 SSO I} the GCF policy block (with its
     * payload) and the SSO challenge, as in MSNP13+.
     */
    static TinyServer dsNs() throws InterruptedException {
        return new TinyServer((n, line) -> {
            String[] t = line.split(" ");
            return switch (t[0]) {
                case "VER" -> "VER " + t[1] + " " + t[2] + " CVR0";
                case "CVR" -> "CVR " + t[1] + " 7.5.0324 7.5.0324 5.0.0537 http://example.net/setup.exe http://example.net";
                case "USR" -> t[2].equals("SSO")
                        ? "GCF 0 " + POLICY.length() + "\r\n" + POLICY + "USR " + t[1] + " SSO S MBI_KEY_OLD bm9uY2U="
                        : "USR " + t[1] + " TWN S ct=1,rver=5.0.0537,wp=FS_40SEC_0_COMPACT,lc=1033,id=507";
                default -> "200 " + t[1];
            };
        });
    }
}

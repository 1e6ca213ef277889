package org.msnp.dispatch.net;

/** The names of the handlers in the listeners' pipelines. */
public final class HandlerNames {
    public static final String PROXY = "proxy";
    public static final String GATE = "gate";
    public static final String DISPATCH = "dispatch";
    public static final String DEADLINES = "deadlines";
    public static final String HTTP = "http";
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String BODY = "body";
    public static final String GATEWAY = "gateway";

    private HandlerNames() {
    }
}

package org.msnp.dispatch.protocol;

/** The error replies a dispatch server can send (errors.md, "DS-relevant subset"). */
public enum ErrorCode {
    INVITE_REQUIRED(420),
    INTERNAL_SERVER_ERROR(500),
    COMMAND_DISABLED(502),
    SERVER_BUSY(600),
    SERVER_UNAVAILABLE(601),
    BAD_CVR_PARAMETERS(710),
    NOT_EXPECTED(715),
    NOT_EXPECTED_CVR(731),
    WRONG_SERVER(931);

    private final int code;
    private final String text;

    ErrorCode(int code) {
        this.code = code;
        this.text = Integer.toString(code);
    }

    public int code() {
        return code;
    }

    /** The three digits as sent on the wire. */
    public String text() {
        return text;
    }

    public static ErrorCode of(int code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        throw new IllegalArgumentException("not a dispatch error code: " + code);
    }
}

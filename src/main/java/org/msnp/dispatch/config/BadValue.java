package org.msnp.dispatch.config;

/** A value checked against its neighbours in a record constructor; names the key at fault. */
final class BadValue extends IllegalArgumentException {
    private final String key;

    BadValue(String key, String message) {
        super(message);
        this.key = key;
    }

    String key() {
        return key;
    }
}

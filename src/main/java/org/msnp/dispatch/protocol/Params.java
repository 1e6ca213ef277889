package org.msnp.dispatch.protocol;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The parameters of a command after its trId: a read-only view of the line's tokens (one object,
 * nothing copied). {@link AbstractList} refuses every change and gives the list's equality.
 */
final class Params extends AbstractList<String> implements RandomAccess {
    private final String[] tokens;

    /** @param tokens the whole line's tokens: verb, trId, then the parameters */
    Params(String[] tokens) {
        this.tokens = tokens;
    }

    @Override
    public String get(int index) {
        return tokens[2 + Objects.checkIndex(index, size())];
    }

    @Override
    public int size() {
        return tokens.length - 2;
    }
}

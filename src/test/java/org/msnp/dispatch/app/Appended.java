package org.msnp.dispatch.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;

/** What a test's list appender holds now: it appends under its own lock while other threads log. */
final class Appended {
    private Appended() {
    }

    static List<ILoggingEvent> seen(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }
}

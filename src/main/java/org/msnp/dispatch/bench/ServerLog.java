package org.msnp.dispatch.bench;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/**
 * Sends the in-process server's connection log ({@code msnp.connection}) to a file instead of the
 * bench's standard output, through the same asynchronous appender and pattern as the shipped
 * logback.xml, so that a {@code --self} run pays for the log line as a deployed server does.
 */
final class ServerLog {
    private ServerLog() {
    }

    static void redirect(String path) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext lc)) {
            return;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(lc);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(lc);
        file.setName("bench-connection-file");
        file.setFile(path);
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(lc);
        async.setName("bench-connection-async");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.addAppender(file);
        async.start();
        Logger logger = lc.getLogger("msnp.connection");
        logger.detachAndStopAllAppenders();
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.addAppender(async);
    }
}

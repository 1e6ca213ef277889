package org.msnp.dispatch.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The server's logging, set up in code rather than from XML (reading logback.xml cost a fifth
 * of the start-up time): standard output through an asynchronous appender, one line per event,
 * level from {@code MSNP_LOG_LEVEL} (default INFO), Netty and Jetty at WARN, Javalin off. A file named by
 * {@code -Dlogback.configurationFile=…} replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String DATE_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
    static final String PATTERN = "%d{" + DATE_PATTERN + "} %-5level %logger{0} %msg%n";
    private static volatile boolean inPlace;

    /** Whether this setup (standard output, the layout above) is the one in force. */
    static boolean isInPlace() {
        return inPlace;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.addAppender(console);
        async.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv().getOrDefault("MSNP_LOG_LEVEL", "INFO"), Level.INFO));
        root.addAppender(async);
        context.getLogger("io.netty").setLevel(Level.WARN);
        // the admin listener's web stack: its start-up chatter and banner stay out of the log;
        // Javalin reports nothing the admin listener does not report itself
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("io.javalin").setLevel(Level.OFF);
        // the census database: its pool and migrations speak only when something is wrong
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        DefaultShutdownHook hook = new DefaultShutdownHook();
        hook.setContext(context);
        Runtime.getRuntime().addShutdownHook(new Thread(hook, "logback-shutdown"));
        inPlace = true;
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}

package io.visutility.monitor.testkit;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logger that keeps what it is given, as lines such as {@code INFO retraining triggered ...}
 * (a throwable's {@code toString()} follows its message). Every level is enabled.
 *
 * <p>Thread-safe: observers may log from any thread.
 */
public final class RecordingLogger extends AbstractLogger {

    private static final long serialVersionUID = 1L;

    private final List<String> lines = new ArrayList<>();

    RecordingLogger(String name) {
        this.name = name;
    }

    /** The lines logged so far, oldest first. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    protected synchronized void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        lines.add(level + " " + message + (throwable == null ? "" : " " + throwable));
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return true;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
        return true;
    }
}

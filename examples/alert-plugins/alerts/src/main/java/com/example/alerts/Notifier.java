package com.example.alerts;

import org.pf4j.ExtensionPoint;

/**
 * Where the alerts plugin sends an alert: the extension point this plugin declares. Plugins that
 * depend on {@code alerts} contribute implementations, annotated {@code @org.pf4j.Extension}.
 * An instance is used from one observer's lane at a time.
 */
public interface Notifier extends ExtensionPoint {

    /** A short name, for log lines. */
    String name();

    /** Sends one alert; an exception is logged and the other notifiers still get it. */
    void send(String alert) throws Exception;
}

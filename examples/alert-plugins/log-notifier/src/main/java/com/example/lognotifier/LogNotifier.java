package com.example.lognotifier;

import com.example.alerts.Notifier;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each alert to the log (logger {@code notifier.log}): a Notifier for the alerts plugin. */
@Extension
public class LogNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("notifier.log");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void send(String alert) {
        LOG.warn("ALERT {}", alert);
    }
}

package io.visutility.monitor.host.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Reports the host's state on SIGHUP ({@code kill -HUP <pid>}). Uses {@code sun.misc.Signal}
 * (module jdk.unsupported), the JDK's only way to handle a signal; where it is missing or the
 * signal is taken, the report is simply not available.
 */
final class StateSignal {

    private static final Logger LOG = LoggerFactory.getLogger(StateSignal.class);

    private StateSignal() {
    }

    static void install(Runnable report) {
        try {
            Signal.handle(new Signal("HUP"), signal -> report.run());
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.debug("no SIGHUP state report: {}", e.toString());
        }
    }
}

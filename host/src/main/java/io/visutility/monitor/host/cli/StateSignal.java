package io.visutility.monitor.host.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Reports the host's state on SIGHUP ({@code kill -HUP <pid>}). Uses {@code sun.misc.Signal}
 * (module jdk.unsupported), the JDK's only way to handle a signal; where it is missing or the
 * signal is taken, the report is simply not available. A process started with SIGHUP ignored
 * (under {@code nohup}) keeps ignoring it, as {@code nohup} asks: the JVM then installs no handler,
 * and the host says so once at start.
 */
final class StateSignal {

    private static final Logger LOG = LoggerFactory.getLogger(StateSignal.class);

    private StateSignal() {
    }

    static void install(Runnable report) {
        try {
            SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> report.run());
            if (previous == SignalHandler.SIG_IGN) {
                LOG.warn("SIGHUP is ignored in this process (started under nohup?): kill -HUP will not report "
                        + "the state");
            }
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.debug("no SIGHUP state report: {}", e.toString());
        }
    }
}

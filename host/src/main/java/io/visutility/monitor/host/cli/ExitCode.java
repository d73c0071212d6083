package io.visutility.monitor.host.cli;

/** The exit codes of {@code monitor}, as documented in the README. */
final class ExitCode {

    /** Success. */
    static final int OK = 0;
    /** A failure while running: an unreadable input, a crash. */
    static final int RUNTIME_FAILURE = 1;
    /** A bad flag, or a manifest that cannot run. */
    static final int BAD_USAGE_OR_CONFIG = 2;

    private ExitCode() {
    }
}

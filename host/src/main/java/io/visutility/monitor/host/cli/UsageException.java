package io.visutility.monitor.host.cli;

/** A command-line value that cannot be used (exit code 2). */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}

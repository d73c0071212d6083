package io.visutility.monitor.host.plugins;

/** A type name that no loaded plugin provides, or that two plugins provide. */
public final class UnknownTypeException extends Exception {

    public UnknownTypeException(String message) {
        super(message);
    }
}

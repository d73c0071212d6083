package io.visutility.monitor.host.ingest;

/** An event in the wire format that cannot be accepted; the message says why, in one line. */
public final class EventFormatException extends Exception {

    public EventFormatException(String message) {
        super(message);
    }
}

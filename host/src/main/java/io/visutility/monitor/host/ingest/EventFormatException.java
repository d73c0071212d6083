package io.visutility.monitor.host.ingest;

/** An event in the wire format that cannot be accepted; the message says why, in one line. */
public final class EventFormatException extends Exception {

    private final RejectReason reason;

    public EventFormatException(RejectReason reason, String message) {
        super(message, null, false, false); // no stack trace: a request may reject 500,000 lines
        this.reason = reason;
    }

    /** Which kind of problem it is, for metrics. */
    public RejectReason reason() {
        return reason;
    }
}

package io.visutility.monitor.host.ingest;

/**
 * Told how many events a source accepted or rejected (for telemetry). Implementations must be
 * thread-safe: HTTP requests run on several threads.
 */
public interface IngestCounter {

    /** Counts nothing. */
    IngestCounter NONE = new IngestCounter() {
        @Override
        public void accepted(String source, long events) {
        }

        @Override
        public void rejected(String source, RejectReason reason, long events) {
        }
    };

    /** {@code events} events from {@code source} ({@code http}, {@code replay}) were accepted. */
    void accepted(String source, long events);

    /** {@code events} events from {@code source} were rejected for {@code reason}. */
    void rejected(String source, RejectReason reason, long events);

    /** An HTTP request was answered with {@code status}; the default counts nothing. */
    default void answered(int status) {
    }
}

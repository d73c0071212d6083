package io.visutility.monitor.host.ingest;

/**
 * What a replay did.
 *
 * @param replayed events parsed and emitted
 * @param rejected lines that could not be parsed
 */
public record ReplaySummary(long replayed, long rejected) {

    @Override
    public String toString() {
        return "replayed " + replayed + " events, rejected " + rejected;
    }
}

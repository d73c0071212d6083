package io.visutility.monitor.host.web;

import java.util.List;

/**
 * The Kafka stream's part of {@code GET /healthz}: Streams' state ({@code RUNNING},
 * {@code REBALANCING}, ...) and the partitions of the events topic this host reads. A value of
 * its own, so that the listener needs no Kafka class when the host reads no topic.
 *
 * @param state      Streams' state
 * @param partitions {@code topic-partition}, sorted
 */
public record StreamHealth(String state, List<String> partitions) {

    public StreamHealth {
        partitions = List.copyOf(partitions);
    }
}

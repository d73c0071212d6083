package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Producers for the bus tests: events that say who emitted them, emitted from several threads at once. */
final class Producers {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private Producers() {
    }

    /** Encodes (producer, sequence) in the event: model name = "p" + producer, latency = sequence. */
    static InferenceLatency event(int producer, long sequence) {
        return new InferenceLatency(new ModelVersion("p" + producer, "v1"), sequence, T0);
    }

    /** Emits events 0 to {@code perProducer - 1} from each of {@code producers} threads at once; returns when all have. */
    static void emitConcurrently(EventBus bus, int producers, long perProducer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                running.add(pool.submit(() -> {
                    for (long i = 0; i < perProducer; i++) {
                        bus.emit(event(producer, i));
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.visutility.monitor.host.bus;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model checks (Lincheck) the real producer ring and async lane code where a producer and the lane
 * race for the same events: "detach vs batch claim" (a lane two events behind is detached and its
 * unread events move to its queue while it claims a batch) and "reattach order" (the lane asks to
 * come back once its queue is empty, and the producer reattaches it). The lane has two slots, so a
 * few events take every path. After each interleaving the lane delivers what is left, and then
 * every event published was delivered once or counted as dropped, and those delivered came in
 * order. (Each step's own result is not checked against a one-at-a-time order: while a producer
 * moves events to the queue they are in neither place, and a step may find nothing; the lane's
 * drain waits for that, as {@link AsyncLane#nothingLeft()} says.)
 */
class RingClaimModelTest {

    private static final DispatchPolicy TWO_SLOTS = new DispatchPolicy(DispatchMode.ASYNC, 2,
            OverflowPolicy.DROP_NEWEST, Optional.of(Duration.ofMillis(50)), 5, Duration.ofSeconds(1), Duration.ofMinutes(1),
            Duration.ofSeconds(10));

    /** One producer thread and the lane thread, each played by Lincheck. */
    public static class ProducerAndLane {
        private final List<Long> delivered = new ArrayList<>(); // the lane thread's
        private final Observer recording = event -> delivered.add(((InferenceLatency) event).latencyMs());
        private final AsyncLane lane = AsyncLane.withoutThread(new EventBus(), "model", recording, TWO_SLOTS);
        private final AsyncLane[] lanes = {lane};
        private final ProducerRing ring = new ProducerRing(Thread.currentThread(), 4);
        /** Made up front: the model checker's class loading does not see the API's classes from inside an operation. */
        private final ModelMetricEvent[] events = new ModelMetricEvent[32];
        private int next;

        public ProducerAndLane() {
            for (int i = 0; i < events.length; i++) {
                events[i] = Producers.event(0, i);
            }
        }

        @Operation(nonParallelGroup = "producer")
        public void publish() {
            ring.publish(events[next++], lanes, Deadline.NONE);
        }

        @Operation(nonParallelGroup = "lane")
        public void deliver() {
            lane.deliverOnce();
        }

        @Validate
        public void everyEventOnceInOrderOrCounted() {
            while (!lane.nothingLeft()) {
                lane.deliverOnce();
            }
            for (int i = 1; i < delivered.size(); i++) {
                if (delivered.get(i) <= delivered.get(i - 1)) {
                    throw new IllegalStateException("delivered out of order or twice: " + delivered);
                }
            }
            ObserverStats stats = lane.stats();
            if (stats.received() != next || stats.delivered() != delivered.size()
                    || stats.delivered() + stats.droppedTotal() != next || stats.queued() != 0) {
                throw new IllegalStateException("published " + next + ", delivered " + delivered + ", " + stats);
            }
        }
    }

    @Test
    void aLaneAndItsProducerNeverTakeTheSameEventOrReorderThem() {
        new ModelCheckingOptions().iterations(5).invocationsPerIteration(200).threads(2).actorsPerThread(4)
                .check(ProducerAndLane.class);
    }
}

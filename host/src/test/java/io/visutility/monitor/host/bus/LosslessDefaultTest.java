package io.visutility.monitor.host.bus;

import static io.visutility.monitor.host.bus.Producers.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The default overflow policy, {@code block}: a source's emit waits for room, and only a source's own deadline gives up. */
class LosslessDefaultTest {

    private static DispatchPolicy blocking(DispatchMode mode, int capacity) {
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        return new DispatchPolicy(mode, capacity, d.whenFull(), d.blockTimeout(), d.failuresBeforePause(), d.pause(),
                d.maxPause(), d.shutdownTimeout());
    }

    @Test
    void theDefaultPolicyBlocksWithoutATimeoutOfItsOwn() {
        assertThat(DispatchPolicy.DEFAULT.whenFull()).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(DispatchPolicy.DEFAULT.blockTimeout()).isEmpty();
    }

    @Test
    void manyProducersIntoASlowObserverLoseNothingAndKeepTheirOrder() throws Exception {
        EventBus bus = new EventBus();
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        Registration slow = bus.register("slow", EventFilter.ALL, event -> {
            InferenceLatency latency = (InferenceLatency) event;
            seen.computeIfAbsent(latency.model().name(), name -> new ArrayList<>()).add((long) latency.latencyMs());
            if (latency.latencyMs() % 64 == 0) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // slower than the producers
            }
        }, blocking(DispatchMode.ASYNC, 16));

        Producers.emitConcurrently(bus, 4, 5_000);
        slow.close();

        assertThat(slow.stats().delivered()).isEqualTo(20_000);
        assertThat(slow.stats().droppedTotal()).isZero();
        assertThat(seen).hasSize(4);
        seen.values().forEach(sequences -> assertThat(sequences).isSorted().hasSize(5_000));
    }

    @Test
    void offerGivesUpAtItsTimeoutAndNoObserverGetsWhatItDidNotPlace() {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        List<ModelMetricEvent> stuckGot = new CopyOnWriteArrayList<>();
        List<ModelMetricEvent> syncGot = new CopyOnWriteArrayList<>();
        Registration stuck = bus.register("stuck", EventFilter.ALL, event -> {
            release.await();
            stuckGot.add(event);
        }, blocking(DispatchMode.ASYNC, 2));
        Registration sync = bus.register("sync", EventFilter.ALL, syncGot::add, DispatchPolicy.SYNC);

        List<ModelMetricEvent> placed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ModelMetricEvent event = event(0, i);
            if (bus.offer(event, 50, TimeUnit.MILLISECONDS)) {
                placed.add(event);
            }
        }
        // The lane's batch in onEvent (one or two events) and two more in the ring: the rest timed out.
        assertThat(placed).hasSizeBetween(2, 4);
        assertThat(placed).containsExactlyElementsOf(List.of(event(0, 0), event(0, 1), event(0, 2), event(0, 3))
                .subList(0, placed.size()));
        assertThat(syncGot).containsExactlyElementsOf(placed);
        assertThat(sync.stats().received()).isEqualTo(placed.size());
        assertThat(sync.stats().delivered()).isEqualTo(placed.size());

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> stuckGot.size() == placed.size());
        stuck.close();
        sync.close();
        assertThat(stuckGot).containsExactlyElementsOf(placed);
        assertThat(stuck.stats().received()).isEqualTo(placed.size());
        assertThat(stuck.stats().droppedTotal()).isZero();
    }

    @Test
    void aHeldSyncLaneRefusesWhatDoesNotFitInTimeAndCountsOnlyWhatItTook() {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> got = new CopyOnWriteArrayList<>();
        Registration lane = bus.register("held", EventFilter.ALL, got::add, blocking(DispatchMode.SYNC, 2));
        assertThat(lane.hold()).isTrue();

        assertThat(bus.offer(event(0, 0), 20, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(bus.offer(event(0, 1), 20, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(bus.offer(event(0, 2), 20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(lane.stats().received()).isEqualTo(2);
        assertThat(lane.stats().queued()).isEqualTo(2);

        assertThat(lane.resume(got::add)).isEqualTo(2);
        assertThat(got).containsExactly(event(0, 0), event(0, 1));
        assertThat(lane.stats().delivered()).isEqualTo(2);
        assertThat(lane.stats().droppedTotal()).isZero();
        lane.close();
    }

    @Test
    void anEmitWaitingForRoomReturnsWhenItsThreadIsInterrupted() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch release = new CountDownLatch(1);
        Registration stuck = bus.register("stuck", EventFilter.ALL, event -> release.await(),
                blocking(DispatchMode.ASYNC, 2));
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 10; i++) {
                bus.emit(event(0, i));
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        producer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.getState() == Thread.State.TIMED_WAITING
                || producer.getState() == Thread.State.RUNNABLE && stuck.stats().received() >= 2);
        producer.interrupt();
        producer.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(producer.isAlive()).isFalse();
        assertThat(interruptedAfter).isTrue();
        release.countDown();
        stuck.close();
        assertThat(stuck.stats().droppedTotal()).isZero();
    }
}

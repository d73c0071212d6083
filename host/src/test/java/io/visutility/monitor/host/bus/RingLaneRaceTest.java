package io.visutility.monitor.host.bus;

import static io.visutility.monitor.host.bus.Producers.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Many producers against lanes that keep falling behind their rings, so that producers detach them
 * into their queues and reattach them over and over: every event must still arrive once, in each
 * producer's order, or be counted as dropped.
 */
class RingLaneRaceTest {

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 100_000;

    /** Checks that each producer's sequence numbers only grow (no event twice, none out of order); now and then slow. */
    private static final class Checker implements Observer {
        private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();
        final AtomicLong seen = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong odd = new AtomicLong();

        @Override
        public void onEvent(ModelMetricEvent event) {
            long sequence = ((InferenceLatency) event).latencyMs();
            if (sequence % 2 != 0) {
                odd.incrementAndGet();
            }
            Long previous = last.put(event.model().name(), sequence);
            if (previous != null && previous >= sequence) {
                outOfOrder.incrementAndGet();
            }
            if (seen.incrementAndGet() % 2_000 == 0) {
                LockSupport.parkNanos(200_000); // falls behind: the producers detach it
            }
        }
    }

    private static DispatchPolicy policy(int capacity, OverflowPolicy whenFull) {
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        return new DispatchPolicy(DispatchMode.ASYNC, capacity, whenFull, Optional.of(Duration.ofSeconds(30)),
                d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
    }

    @RepeatedTest(3)
    void closeDeliversEveryEventEmittedBeforeItWhileAProducerKeepsEmitting() throws Exception {
        EventBus bus = new EventBus();
        Registration staying = bus.register("staying", EventFilter.ALL, event -> { }, policy(64, OverflowPolicy.DROP_NEWEST));
        AtomicLong returned = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            for (long i = 0; running.get(); i++) {
                bus.emit(event(0, i));
                returned.incrementAndGet();
            }
        });
        producer.start();
        try {
            for (int round = 0; round < 200; round++) {
                AtomicLong seen = new AtomicLong();
                // Lossless while it runs: each event emitted before close must be delivered.
                Registration closing = bus.register("closing-" + round, EventFilter.ALL, event -> seen.incrementAndGet(),
                        policy(1 << 16, OverflowPolicy.BLOCK));
                long registeredAt = returned.get();
                while (returned.get() < registeredAt + 100) {
                    Thread.onSpinWait();
                }
                long beforeClose = returned.get();
                closing.close();
                ObserverStats stats = closing.stats();
                // (less one: an emit that read the registry just before the register returned)
                assertThat(stats.delivered()).as("round %d: %s", round, stats)
                        .isEqualTo(seen.get()).isGreaterThanOrEqualTo(beforeClose - registeredAt - 1);
                // An emit that read the registry before close may still add a late drop: they settle.
                int r = round;
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                        .untilAsserted(() -> {
                            ObserverStats settled = closing.stats();
                            assertThat(settled.received()).as("round %d: %s", r, settled)
                                    .isEqualTo(settled.delivered() + settled.droppedTotal());
                            assertThat(settled.dropped(DropReason.CLOSED)).as("round %d: %s", r, settled)
                                    .isEqualTo(settled.droppedTotal());
                        });
            }
        } finally {
            running.set(false);
            producer.join();
            staying.close();
        }
    }

    @RepeatedTest(3)
    void aFilterThatChangesItsMindNeverMakesALaneTakeAnEventTwiceOrOutOfOrder() throws Exception {
        EventBus bus = new EventBus();
        Checker checker = new Checker();
        AtomicLong asked = new AtomicLong();
        // Asked again, it may answer differently: the lane filters when it reads a ring, the
        // producer when it moves what the lane did not read.
        EventFilter fickle = event -> asked.incrementAndGet() % 3 != 0;
        Registration lane = bus.register("fickle", fickle, checker, policy(2, OverflowPolicy.DROP_NEWEST));
        for (long i = 0; i < PER_PRODUCER; i++) {
            bus.emit(event(0, i));
        }
        lane.close();

        ObserverStats stats = lane.stats();
        assertThat(checker.outOfOrder).as("events out of order, or twice").hasValue(0);
        assertThat(stats.delivered()).as(stats.toString()).isEqualTo(checker.seen.get());
        assertThat(stats.received()).isEqualTo(stats.delivered() + stats.droppedTotal()).isLessThan(PER_PRODUCER);
    }

    @RepeatedTest(5)
    void lanesReplacedWhileProducersEmitHandEveryEventToTheOldObserverOrTheNewOne() throws Exception {
        EventBus bus = new EventBus();
        Registration staying = bus.register("staying", EventFilter.ALL, event -> { }, policy(64, OverflowPolicy.DROP_NEWEST));
        Checker blocking = new Checker();
        Checker dropping = new Checker();
        List<Registration> blockingLanes = new ArrayList<>(List.of(
                bus.register("blocking", EventFilter.ALL, blocking, policy(8, OverflowPolicy.BLOCK))));
        List<Registration> droppingLanes = new ArrayList<>(List.of(
                bus.register("dropping", EventFilter.ALL, dropping, policy(8, OverflowPolicy.DROP_NEWEST))));
        // From a queue to rings and back: drop_oldest lanes take every event through their queue.
        Checker switching = new Checker();
        List<Registration> switchingLanes = new ArrayList<>(List.of(
                bus.register("switching", EventFilter.ALL, switching, policy(1 << 16, OverflowPolicy.DROP_OLDEST))));
        // From async to sync and back: a sync lane takes what reaches the async one late on the producer's thread.
        Checker modal = new Checker();
        List<Registration> modalLanes = new ArrayList<>(List.of(
                bus.register("modal", EventFilter.ALL, modal, policy(8, OverflowPolicy.BLOCK))));
        AtomicBoolean emitting = new AtomicBoolean(true);
        Thread replacer = new Thread(() -> {
            // Each observer carries on in its replacement, as after a hot reload that kept it.
            while (emitting.get()) {
                Registration nextBlocking = bus.replace(last(blockingLanes), EventFilter.ALL, policy(8, OverflowPolicy.BLOCK));
                nextBlocking.resume(blocking);
                blockingLanes.add(nextBlocking);
                Registration nextDropping = bus.replace(last(droppingLanes), EventFilter.ALL, policy(8, OverflowPolicy.DROP_NEWEST));
                nextDropping.resume(dropping);
                droppingLanes.add(nextDropping);
                OverflowPolicy nextPolicy = switchingLanes.size() % 2 == 0 ? OverflowPolicy.DROP_OLDEST : OverflowPolicy.BLOCK;
                Registration nextSwitching = bus.replace(last(switchingLanes), EventFilter.ALL, policy(1 << 16, nextPolicy));
                nextSwitching.resume(switching);
                switchingLanes.add(nextSwitching);
                DispatchPolicy nextMode = modalLanes.size() % 2 == 0 ? policy(8, OverflowPolicy.BLOCK)
                        : policy(8, OverflowPolicy.BLOCK).withMode(DispatchMode.SYNC); // blocks while it holds
                Registration nextModal = bus.replace(last(modalLanes), EventFilter.ALL, nextMode);
                nextModal.resume(modal);
                modalLanes.add(nextModal);
                LockSupport.parkNanos(1_000_000);
            }
        });
        replacer.start();
        try {
            Producers.emitConcurrently(bus, PRODUCERS, PER_PRODUCER);
        } finally {
            emitting.set(false);
            replacer.join();
        }
        last(blockingLanes).close();
        last(droppingLanes).close();
        last(switchingLanes).close();
        last(modalLanes).close();
        staying.close();

        long all = (long) PRODUCERS * PER_PRODUCER;
        assertThat(blockingLanes.size()).as("replacements").isGreaterThan(2);
        assertThat(blocking.outOfOrder).as("blocking: events out of a producer's order, or twice").hasValue(0);
        assertThat(dropping.outOfOrder).as("dropping: events out of a producer's order, or twice").hasValue(0);
        for (Registration lane : blockingLanes) {
            assertThat(lane.stats().droppedTotal()).as("blocking lanes drop nothing: %s", lane.stats()).isZero();
        }
        assertThat(blocking.seen).as("every event reached the blocking observer once").hasValue(all);
        assertThat(droppingLanes.stream().mapToLong(lane -> lane.stats().received()).sum())
                .as("every event reached one dropping lane").isEqualTo(all);
        for (Registration lane : droppingLanes) {
            ObserverStats stats = lane.stats();
            assertThat(stats.received()).as(stats.toString()).isEqualTo(stats.delivered() + stats.droppedTotal());
        }
        assertThat(droppingLanes.stream().mapToLong(lane -> lane.stats().delivered()).sum()).isEqualTo(dropping.seen.get());
        assertThat(switching.outOfOrder).as("switching: events out of a producer's order, or twice").hasValue(0);
        for (Registration lane : switchingLanes) {
            ObserverStats stats = lane.stats();
            assertThat(stats.droppedTotal()).as("switching lanes drop nothing: %s", stats)
                    .isEqualTo(stats.dropped(DropReason.EVICTED));
            assertThat(stats.received()).as(stats.toString()).isEqualTo(stats.delivered() + stats.droppedTotal());
        }
        assertThat(switchingLanes.stream().mapToLong(lane -> lane.stats().received()).sum())
                .as("every event reached one switching lane").isEqualTo(all);
        assertThat(switchingLanes.stream().mapToLong(lane -> lane.stats().delivered()).sum()).isEqualTo(switching.seen.get());
        for (Registration lane : modalLanes) {
            assertThat(lane.stats().droppedTotal()).as("modal lanes drop nothing: %s", lane.stats()).isZero();
        }
        assertThat(modal.outOfOrder).as("modal: events out of a producer's order, or twice").hasValue(0);
        assertThat(modal.seen).as("every event reached the observer that went from async to sync and back once")
                .hasValue(all);
        assertThat(modalLanes.stream().mapToLong(lane -> lane.stats().received()).sum())
                .as("every event reached one modal lane").isEqualTo(all);
        List<Registration> everyLane = new ArrayList<>(blockingLanes);
        everyLane.addAll(droppingLanes);
        everyLane.addAll(switchingLanes);
        everyLane.addAll(modalLanes);
        for (Registration lane : everyLane) {
            assertThat(lane.stats().dropped(DropReason.CLOSED)).as("late events handed on: %s", lane.stats()).isZero();
        }
        assertThat(everyLane.stream().filter(lane -> lane instanceof AsyncLane)
                .mapToLong(lane -> ((AsyncLane) lane).handedOn()).sum())
                .as("events that reached a replaced lane late, and were handed on").isPositive();
    }

    private static Registration last(List<Registration> lanes) {
        return lanes.get(lanes.size() - 1);
    }

    @RepeatedTest(10)
    void lanesThatFallBehindGetEveryEventOnceInOrderOrCountItDropped() throws Exception {
        EventBus bus = new EventBus();
        Checker dropping = new Checker();
        Checker blocking = new Checker();
        Checker filtered = new Checker();
        Checker tiny = new Checker();
        Registration droppingLane = bus.register("dropping", EventFilter.ALL, dropping,
                policy(64, OverflowPolicy.DROP_NEWEST));
        Registration blockingLane = bus.register("blocking", EventFilter.ALL, blocking,
                policy(64, OverflowPolicy.BLOCK));
        Registration filteredLane = bus.register("filtered",
                event -> ((InferenceLatency) event).latencyMs() % 2 == 0, filtered, policy(16, OverflowPolicy.DROP_NEWEST));

        // Two events of room: producers detach it all the time, while it claims its batches.
        Registration tinyLane = bus.register("tiny", EventFilter.ALL, tiny, policy(2, OverflowPolicy.DROP_NEWEST));

        Producers.emitConcurrently(bus, PRODUCERS, PER_PRODUCER);
        droppingLane.close();
        blockingLane.close();
        filteredLane.close();
        tinyLane.close();

        long all = (long) PRODUCERS * PER_PRODUCER;
        Map.of("dropping", dropping, "blocking", blocking, "filtered", filtered, "tiny", tiny).forEach((name, checker) ->
                assertThat(checker.outOfOrder).as("%s: events out of a producer's order, or twice", name).hasValue(0));
        ObserverStats d = droppingLane.stats();
        assertThat(d.received()).as(d.toString()).isEqualTo(all);
        assertThat(d.delivered()).isEqualTo(dropping.seen.get());
        assertThat(d.delivered() + d.droppedTotal()).isEqualTo(all);
        assertThat(d.dropped(DropReason.QUEUE_FULL)).as("dropped while detached").isPositive();

        ObserverStats b = blockingLane.stats();
        assertThat(b.droppedTotal()).as(b.toString()).isZero();
        assertThat(blocking.seen).hasValue(all);
        assertThat(b.received()).isEqualTo(all);
        assertThat(b.delivered()).isEqualTo(all);

        ObserverStats f = filteredLane.stats();
        assertThat(f.received()).as(f.toString()).isEqualTo(all / 2);
        assertThat(f.delivered()).isEqualTo(filtered.seen.get());
        assertThat(f.delivered() + f.droppedTotal()).isEqualTo(all / 2);
        assertThat(filtered.odd).as("events the filter refused").hasValue(0);

        ObserverStats t = tinyLane.stats();
        assertThat(t.received()).as(t.toString()).isEqualTo(all);
        assertThat(t.delivered()).isEqualTo(tiny.seen.get());
        assertThat(t.delivered() + t.droppedTotal()).isEqualTo(all);

        assertThat(((AsyncLane) droppingLane).reattachments() + ((AsyncLane) blockingLane).reattachments())
                .as("lanes that fell behind came back to the rings").isPositive();
    }
}

package io.visutility.monitor.host.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncLaneTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final EventBus bus = new EventBus();
    private final List<Registration> registrations = new ArrayList<>();

    @AfterEach
    void closeAll() {
        registrations.forEach(Registration::close);
    }

    private static InferenceLatency event(long sequence) {
        return new InferenceLatency(new ModelVersion("m", "v1"), sequence, T0);
    }

    private static DispatchPolicy policy(int capacity, OverflowPolicy whenFull) {
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        return new DispatchPolicy(DispatchMode.ASYNC, capacity, whenFull, Optional.of(Duration.ofMillis(50)),
                d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
    }

    private Registration register(String name, Observer observer, DispatchPolicy policy) {
        Registration registration = bus.register(name, EventFilter.ALL, observer, policy);
        registrations.add(registration);
        return registration;
    }

    /** Records what it receives; blocks inside onEvent until released. */
    private static final class GatedObserver implements Observer {
        final List<Long> received = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onEvent(ModelMetricEvent event) throws InterruptedException {
            entered.countDown();
            release.await();
            received.add(((InferenceLatency) event).latencyMs());
        }
    }

    private static final class RecordingObserver implements Observer {
        final List<Long> received = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(ModelMetricEvent event) {
            received.add(((InferenceLatency) event).latencyMs());
        }
    }

    private static void assertInvariant(ObserverStats stats) {
        assertThat(stats.received())
                .as("received = delivered + dropped + failed + queued: %s", stats)
                .isEqualTo(stats.delivered() + stats.droppedTotal() + stats.failed() + stats.queued());
    }

    @Test
    void aBlockedObserverDelaysNeitherTheProducerNorTheOthers() throws Exception {
        GatedObserver blocked = new GatedObserver();
        RecordingObserver first = new RecordingObserver();
        RecordingObserver second = new RecordingObserver();
        register("blocked", blocked, DispatchPolicy.DEFAULT);
        register("first", first, DispatchPolicy.DEFAULT);
        register("second", second, DispatchPolicy.DEFAULT);

        for (long i = 0; i < 1000; i++) {
            bus.emit(event(i)); // returns although "blocked" is stuck in onEvent from the first event
        }

        await().atMost(PATIENCE).until(() -> first.received.size() == 1000 && second.received.size() == 1000);
        assertThat(blocked.received).isEmpty();
        assertThat(first.received).isEqualTo(second.received).hasSize(1000).isSorted();
        blocked.release.countDown();
        await().atMost(PATIENCE).until(() -> blocked.received.size() == 1000);
        assertThat(blocked.received).isSorted();
    }

    @Test
    void dropNewestKeepsTheOldestAndCountsTheRest() throws Exception {
        GatedObserver gated = new GatedObserver();
        Registration lane = register("gated", gated, policy(4, OverflowPolicy.DROP_NEWEST));
        bus.emit(event(0));
        gated.entered.await(); // event 0 is in onEvent; the queue is empty

        for (long i = 1; i <= 10; i++) {
            bus.emit(event(i));
        }
        ObserverStats full = lane.stats();
        assertThat(full.queued()).as("4 in the queue and the one in onEvent").isEqualTo(5);
        assertThat(full.dropped(DropReason.QUEUE_FULL)).isEqualTo(6);
        assertInvariant(full); // while an event is in onEvent too
        gated.release.countDown();

        await().atMost(PATIENCE).until(() -> gated.received.size() == 5);
        assertThat(gated.received).containsExactly(0L, 1L, 2L, 3L, 4L);
        ObserverStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo(11);
        assertThat(stats.delivered()).isEqualTo(5);
        assertThat(stats.droppedTotal()).isEqualTo(6);
        assertInvariant(stats);
    }

    @Test
    void dropOldestKeepsTheNewestAndCountsTheEvicted() throws Exception {
        GatedObserver gated = new GatedObserver();
        Registration lane = register("gated", gated, policy(4, OverflowPolicy.DROP_OLDEST));
        bus.emit(event(0));
        gated.entered.await();

        for (long i = 1; i <= 10; i++) {
            bus.emit(event(i));
        }
        gated.release.countDown();

        await().atMost(PATIENCE).until(() -> gated.received.size() == 5);
        assertThat(gated.received).containsExactly(0L, 7L, 8L, 9L, 10L);
        ObserverStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo(11);
        assertThat(stats.dropped(DropReason.EVICTED)).isEqualTo(6);
        assertThat(stats.droppedTotal()).isEqualTo(6);
        assertInvariant(stats);
    }

    @Test
    void blockWaitsAtMostTheBlockTimeoutThenDrops() throws Exception {
        GatedObserver gated = new GatedObserver();
        Registration lane = register("gated", gated, policy(2, OverflowPolicy.BLOCK));
        bus.emit(event(0));
        gated.entered.await();
        bus.emit(event(1));
        bus.emit(event(2)); // the queue is full now

        long start = System.nanoTime();
        bus.emit(event(3));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(waitedMillis).isGreaterThanOrEqualTo(50).isLessThan(5_000);
        assertThat(lane.stats().dropped(DropReason.BLOCK_TIMEOUT)).isEqualTo(1);
        gated.release.countDown();
        await().atMost(PATIENCE).until(() -> gated.received.size() == 3);
        assertThat(gated.received).containsExactly(0L, 1L, 2L);
        assertInvariant(lane.stats());
    }

    @Test
    void aBlockedProducerProceedsAsSoonAsThereIsRoom() throws Exception {
        GatedObserver gated = new GatedObserver();
        DispatchPolicy d = policy(2, OverflowPolicy.BLOCK);
        Registration lane = register("gated", gated, new DispatchPolicy(d.mode(), d.capacity(), d.whenFull(),
                Optional.of(Duration.ofSeconds(30)), d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout()));
        ExecutorService producer = Executors.newSingleThreadExecutor(); // capacity counts per producer thread
        try {
            producer.submit(() -> bus.emit(event(0))).get();
            gated.entered.await();
            producer.submit(() -> bus.emit(event(1))).get();
            producer.submit(() -> bus.emit(event(2))).get();
            Future<?> blockedEmit = producer.submit(() -> bus.emit(event(3)));
            // the queue is full: the emit must keep waiting (not drop) for as long as the observer is stuck
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !blockedEmit.isDone());
            gated.release.countDown();
            blockedEmit.get(10, TimeUnit.SECONDS);
        } finally {
            producer.shutdownNow();
        }
        await().atMost(PATIENCE).until(() -> gated.received.size() == 4);
        assertThat(gated.received).containsExactly(0L, 1L, 2L, 3L);
        assertThat(lane.stats().droppedTotal()).isZero();
    }

    @Test
    void countersAddUpAfterManyProducersOnEveryPolicy() throws Exception {
        List<Registration> lanes = new ArrayList<>();
        List<AtomicLong> seen = new ArrayList<>();
        for (OverflowPolicy whenFull : OverflowPolicy.values()) {
            AtomicLong count = new AtomicLong();
            AtomicInteger calls = new AtomicInteger();
            seen.add(count);
            lanes.add(register("lane-" + whenFull, event -> {
                count.incrementAndGet();
                if (calls.incrementAndGet() % 7 == 0) {
                    throw new IllegalStateException("every seventh call fails");
                }
            }, policy(64, whenFull)));
        }
        int producers = 4;
        int perProducer = 50_000;
        Producers.emitConcurrently(bus, producers, perProducer);
        for (int i = 0; i < lanes.size(); i++) {
            Registration lane = lanes.get(i);
            lane.close();
            ObserverStats stats = lane.stats();
            assertThat(stats.received()).as(stats.toString()).isEqualTo((long) producers * perProducer);
            assertThat(stats.queued()).isZero();
            assertThat(stats.delivered() + stats.failed()).isEqualTo(seen.get(i).get());
            assertInvariant(stats);
        }
    }

    @Test
    void closeDeliversEverythingAcceptedBeforeItReturns() {
        AtomicLong delivered = new AtomicLong();
        Registration lane = register("slowish", event -> {
            delivered.incrementAndGet();
            Thread.onSpinWait();
        }, DispatchPolicy.DEFAULT);
        for (long i = 0; i < 5000; i++) {
            bus.emit(event(i));
        }

        lane.close();

        assertThat(delivered).hasValue(5000);
        ObserverStats stats = lane.stats();
        assertThat(stats.delivered()).isEqualTo(5000);
        assertThat(stats.droppedTotal()).isZero();
        bus.emit(event(5000));
        assertThat(lane.stats().received()).isEqualTo(5000);
    }

    @Test
    void closeDeliversWhatAnotherProducerLeftInItsRingWhileTheQueueIsFull() throws Exception {
        GatedObserver gated = new GatedObserver();
        Registration lane = register("gated", gated, policy(4, OverflowPolicy.DROP_NEWEST));
        RecordingObserver staying = new RecordingObserver();
        register("staying", staying, DispatchPolicy.DEFAULT); // so producers keep publishing to rings
        bus.emit(event(0));
        assertThat(gated.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        for (long i = 1; i <= 10; i++) {
            bus.emit(event(i)); // 1-4 fill the queue, 5-10 are dropped
        }
        ExecutorService other = Executors.newSingleThreadExecutor();
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            other.submit(() -> {
                for (long i = 100; i < 103; i++) {
                    bus.emit(event(i)); // within the lane's capacity in this producer's ring
                }
            }).get();

            Future<?> closing = closer.submit(lane::close);
            await().atMost(PATIENCE).until(() -> bus.size() == 1);
            other.submit(() -> {
                for (long i = 103; i < 110; i++) {
                    bus.emit(event(i)); // this producer now sees the lane gone, and goes on past its capacity
                }
            }).get();
            gated.release.countDown();
            closing.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            other.shutdownNow();
            closer.shutdownNow();
        }

        assertThat(gated.received).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 100L, 101L, 102L);
        assertThat(gated.received.stream().filter(i -> i >= 100)).as("each producer's order").isSorted();
        assertThat(gated.received.stream().filter(i -> i < 100)).as("each producer's order").isSorted();
        ObserverStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo(14);
        assertThat(stats.delivered()).isEqualTo(8);
        assertThat(stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(6);
        assertInvariant(stats);
    }

    @Test
    void closeCountsWhatTheShutdownTimeoutLeavesUndelivered() {
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        Registration lane = register("slow", event -> Thread.sleep(10), new DispatchPolicy(d.mode(), d.capacity(),
                d.whenFull(), d.blockTimeout(), d.failuresBeforePause(), d.pause(), d.maxPause(), Duration.ofMillis(200)));
        for (long i = 0; i < 1000; i++) {
            bus.emit(event(i));
        }

        long start = System.nanoTime();
        lane.close();

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        ObserverStats stats = lane.stats();
        assertThat(stats.delivered()).isLessThan(1000);
        assertThat(stats.dropped(DropReason.SHUTDOWN)).isEqualTo(1000 - stats.delivered());
        assertThat(stats.queued()).isZero();
        assertInvariant(stats);
    }

    @Test
    void anObserverThatKeepsFailingDropsWhilePausedAndResumesByItself() {
        AtomicInteger calls = new AtomicInteger();
        List<Long> deliveredAt = new CopyOnWriteArrayList<>();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        Registration lane = register("flaky", event -> {
            if (calls.incrementAndGet() <= 3) {
                throw new IllegalStateException("down");
            }
            deliveredAt.add(System.nanoTime());
        }, new DispatchPolicy(d.mode(), d.capacity(), d.whenFull(), d.blockTimeout(), 3, Duration.ofMillis(300),
                Duration.ofSeconds(1), d.shutdownTimeout()));

        for (long i = 0; i < 3; i++) {
            bus.emit(event(i));
        }
        await().atMost(PATIENCE).until(() -> lane.stats().failed() == 3);
        assertThat(lane.stats().paused()).isTrue();
        bus.emit(event(3)); // during the pause: dropped, not kept (it would hold the producers under block)

        await().atMost(PATIENCE).until(() -> lane.stats().dropped(DropReason.PAUSED) == 1);
        await().atMost(PATIENCE).until(() -> !lane.stats().paused());
        bus.emit(event(4));
        await().atMost(PATIENCE).until(() -> deliveredAt.size() == 1);
        assertThat(calls).hasValue(4); // event 3 never reached the observer
        assertThat(lane.stats().delivered()).isEqualTo(1);
        assertInvariant(lane.stats());
    }

    @Test
    void aSyncObserverThatKeepsFailingDropsWhilePaused() {
        AtomicInteger calls = new AtomicInteger();
        DispatchPolicy d = DispatchPolicy.SYNC;
        Registration lane = register("flaky", event -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("down");
            }
        }, new DispatchPolicy(d.mode(), d.capacity(), d.whenFull(), d.blockTimeout(), 2, Duration.ofMillis(200),
                Duration.ofSeconds(1), d.shutdownTimeout()));

        bus.emit(event(0));
        bus.emit(event(1));
        bus.emit(event(2)); // paused: dropped
        assertThat(lane.stats().dropped(DropReason.PAUSED)).isEqualTo(1);

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
            bus.emit(event(3));
            return lane.stats().delivered() > 0;
        });
        assertThat(lane.stats().paused()).isFalse();
        assertInvariant(lane.stats());
    }

    @Test
    void anIdleLaneParksItsThreadAndUsesNoCpu() {
        RecordingObserver observer = new RecordingObserver();
        AsyncLane lane = (AsyncLane) register("idle-check", observer, DispatchPolicy.DEFAULT);
        bus.emit(event(1));
        await().atMost(PATIENCE).until(() -> observer.received.size() == 1);

        Thread laneThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("lane-idle-check")).findFirst().orElseThrow();
        await().atMost(PATIENCE).until(() -> lane.sleeping());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBefore = threads.getThreadCpuTime(laneThread.getId());
        // A parked lane wakes about ten times in its first second asleep and uses 0.2-2.4 ms of CPU;
        // one that spins or yields uses most of a core. 50 ms leaves room for an oversubscribed machine.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                threads.getThreadCpuTime(laneThread.getId()) - cpuBefore < TimeUnit.MILLISECONDS.toNanos(50));

        bus.emit(event(2)); // and a sleeping lane still wakes for the next event
        await().atMost(PATIENCE).until(() -> observer.received.size() == 2);
    }

    @Test
    void aParkedLaneWakesAsSoonAsAnEventComesNotAtItsNextTimedLook() {
        RecordingObserver observer = new RecordingObserver();
        AsyncLane lane = (AsyncLane) register("wake-check", observer, DispatchPolicy.DEFAULT);
        ExecutorService producer = Executors.newSingleThreadExecutor(); // one ring, which the lane reads
        try {
            for (int round = 1; round <= 3; round++) {
                long sequence = round;
                await().atMost(PATIENCE).until(() -> lane.sleeping());
                // After a second asleep the lane looks again only every second by itself (its next
                // look is about 0.9 s away); a producer's wake-up takes microseconds.
                await().pollDelay(Duration.ofMillis(1100)).atMost(PATIENCE).until(() -> lane.sleeping());
                producer.submit(() -> bus.emit(event(sequence)));
                await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(1))
                        .until(() -> observer.received.size() == sequence);
            }
        } finally {
            producer.shutdownNow();
        }
    }

    @Test
    void callsOfAMicrosecondOrMoreAreTimedOneByOneSoOneSlowCallShowsAsOne() {
        Registration lane = register("timed", event -> {
            long until = System.nanoTime() + 2 * DeliveryLoop.TIME_EACH_CALL_ABOVE_NANOS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // an observer whose calls take a few microseconds
            }
            if (((InferenceLatency) event).latencyMs() == 3) {
                Thread.sleep(300); // the observer's own slow work, for one event of ten
            }
        }, DispatchPolicy.DEFAULT);
        for (int i = 0; i < 10; i++) {
            bus.emit(event(i));
        }
        await().atMost(PATIENCE).until(() -> lane.stats().delivered() == 10);

        ProcessingTime time = lane.stats().processing();
        assertThat(callsSlowerThan(time, 0.1)).as("calls slower than 100 ms").isEqualTo(1);
        assertThat(time.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
        assertThat(time.sumNanos()).isGreaterThanOrEqualTo(300_000_000L);
    }

    @Test
    void fasterCallsAreTimedPerBatchAndEveryCallIsCounted() {
        Registration lane = register("quick", event -> { }, DispatchPolicy.DEFAULT);
        for (int i = 0; i < 100_000; i++) {
            bus.emit(event(i));
        }
        await().atMost(PATIENCE).until(() -> lane.stats().delivered() + lane.stats().droppedTotal() == 100_000);

        ObserverStats stats = lane.stats();
        ProcessingTime time = stats.processing();
        assertThat(time.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(stats.delivered());
        assertThat(callsSlowerThan(time, 1e-5)).as("calls slower than 10 µs").isLessThan(1_000);
        assertThat(time.sumNanos()).isPositive();
    }

    private static long callsSlowerThan(ProcessingTime time, double seconds) {
        long slower = 0;
        for (int i = 0; i < time.counts().size(); i++) {
            if (i == ProcessingTime.UPPER_BOUNDS_SECONDS.size() || ProcessingTime.UPPER_BOUNDS_SECONDS.get(i) > seconds) {
                slower += time.counts().get(i);
            }
        }
        return slower;
    }
}

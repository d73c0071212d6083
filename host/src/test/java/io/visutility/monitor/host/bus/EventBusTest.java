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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventBusTest {

    private static Registration sync(EventBus bus, String name, Observer observer) {
        return bus.register(name, EventFilter.ALL, observer, DispatchPolicy.SYNC);
    }

    @Test
    void deliversEveryEventToEveryObserverInEmitOrder() {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> first = new ArrayList<>();
        List<ModelMetricEvent> second = new ArrayList<>();
        sync(bus, "first", first::add);
        sync(bus, "second", second::add);

        List<ModelMetricEvent> emitted = List.of(event(0, 1), event(0, 2), event(0, 3));
        emitted.forEach(bus::emit);

        assertThat(first).containsExactlyElementsOf(emitted);
        assertThat(second).containsExactlyElementsOf(emitted);
        assertThat(bus.stats()).extracting(ObserverStats::delivered).containsExactly(3L, 3L);
        assertThat(bus.stats()).extracting(ObserverStats::received).containsExactly(3L, 3L);
    }

    @Test
    void aThrowingObserverIsCountedAndPausedAndTheOthersStillReceive() {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> before = new ArrayList<>();
        List<ModelMetricEvent> after = new ArrayList<>();
        sync(bus, "before", before::add);
        Registration failing = sync(bus, "failing", e -> {
            throw new IllegalStateException("boom");
        });
        sync(bus, "linkage", e -> {
            throw new NoClassDefFoundError("com/example/Missing");
        });
        sync(bus, "after", after::add);

        for (int i = 0; i < 100; i++) {
            bus.emit(event(0, i));
        }

        assertThat(before).hasSize(100);
        assertThat(after).hasSize(100);
        // five failures in a row pause a sync observer; while paused its events are dropped
        assertThat(failing.stats().failed()).isEqualTo(5);
        assertThat(failing.stats().dropped(DropReason.PAUSED)).isEqualTo(95);
        assertThat(failing.stats().delivered()).isZero();
        assertThat(failing.stats().paused()).isTrue();
        assertThat(bus.stats()).extracting(ObserverStats::failed).containsExactly(0L, 5L, 5L, 0L);
    }

    @Test
    void filterDecidesWhatAnObserverReceives() {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> evens = new ArrayList<>();
        Registration registration = bus.register("evens",
                e -> ((InferenceLatency) e).latencyMs() % 2 == 0, evens::add, DispatchPolicy.SYNC);

        for (int i = 0; i < 10; i++) {
            bus.emit(event(0, i));
        }

        assertThat(evens).extracting(e -> ((InferenceLatency) e).latencyMs()).containsExactly(0L, 2L, 4L, 6L, 8L);
        assertThat(registration.stats().received()).isEqualTo(5);
        assertThat(registration.stats().delivered()).isEqualTo(5);
    }

    @Test
    void closingTheRegistrationUnregistersAndIsIdempotent() {
        EventBus bus = new EventBus();
        List<ModelMetricEvent> received = new ArrayList<>();
        Registration registration = sync(bus, "r", received::add);
        Registration other = sync(bus, "other", e -> { });
        bus.emit(event(0, 1));

        registration.close();
        registration.close();
        bus.emit(event(0, 2));

        assertThat(received).containsExactly(event(0, 1));
        assertThat(bus.size()).isEqualTo(1);
        assertThat(bus.stats()).extracting(ObserverStats::name).containsExactly("other");
        other.close();
        assertThat(bus.size()).isZero();
    }

    @Test
    void droppingTheRegistrationDoesNotUnregister() {
        EventBus bus = new EventBus();
        AtomicLong received = new AtomicLong();
        registerAndDropHandle(bus, received);
        System.gc();

        bus.emit(event(0, 1));

        assertThat(received).hasValue(1);
    }

    private static void registerAndDropHandle(EventBus bus, AtomicLong received) {
        sync(bus, "dropped", e -> received.incrementAndGet());
    }

    @ParameterizedTest
    @EnumSource(DispatchMode.class)
    void manyProducersRegisterAndCloseRacesKeepOrderAndLoseNothing(DispatchMode mode) throws Exception {
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        // BLOCK with a long timeout: a full queue slows the producers instead of dropping
        DispatchPolicy lossless = new DispatchPolicy(mode, 1024, OverflowPolicy.BLOCK, Optional.of(Duration.ofSeconds(60)),
                d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
        for (int round = 0; round < 5; round++) {
            raceRound(lossless);
        }
    }

    private void raceRound(DispatchPolicy policy) throws Exception {
        int producers = 4;
        int eventsPerProducer = 20_000;
        int churners = 2;
        EventBus bus = new EventBus();
        OrderCheckingObserver steady = new OrderCheckingObserver();
        Registration steadyRegistration = bus.register("steady", EventFilter.ALL, steady, policy);
        AtomicBoolean producing = new AtomicBoolean(true);
        List<OrderCheckingObserver> transients = new CopyOnWriteArrayList<>();
        CyclicBarrier start = new CyclicBarrier(producers + churners);
        ExecutorService pool = Executors.newFixedThreadPool(producers + churners);
        try {
            List<Future<?>> producerTasks = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                producerTasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < eventsPerProducer; i++) {
                        if (i == eventsPerProducer / 2) {
                            // on a busy machine the churners may not have run yet: make the races overlap
                            await().atMost(Duration.ofSeconds(30)).until(() -> transients.size() >= 20);
                        }
                        bus.emit(event(producer, i));
                    }
                    return null;
                }));
            }
            List<Future<?>> churning = new ArrayList<>();
            for (int c = 0; c < churners; c++) {
                churning.add(pool.submit(() -> {
                    start.await();
                    while (producing.get()) {
                        OrderCheckingObserver observer = new OrderCheckingObserver();
                        transients.add(observer);
                        Registration registration = bus.register("transient", EventFilter.ALL, observer, policy);
                        Thread.yield();
                        registration.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : producerTasks) {
                f.get(60, TimeUnit.SECONDS);
            }
            producing.set(false);
            for (Future<?> f : churning) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(bus.size()).isEqualTo(1);
        steadyRegistration.close(); // drains an async lane
        long total = (long) producers * eventsPerProducer;
        assertThat(steady.received()).isEqualTo(total);
        assertThat(steady.outOfOrder).hasValue(0);
        assertThat(transients).isNotEmpty().allSatisfy(t -> assertThat(t.outOfOrder).hasValue(0));
        ObserverStats stats = steadyRegistration.stats();
        assertThat(stats.received()).isEqualTo(total);
        assertThat(stats.delivered()).isEqualTo(total);
        assertThat(stats.droppedTotal() + stats.failed() + stats.queued()).isZero();
    }

    @Test
    void syncCountersAddUpAfterManyProducersWithFailuresAndAFilter() throws Exception {
        EventBus bus = new EventBus();
        AtomicLong seen = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        Registration flaky = bus.register("flaky", e -> ((InferenceLatency) e).latencyMs() % 3 != 0, e -> {
            seen.incrementAndGet();
            if (calls.incrementAndGet() % 7 == 0) {
                throw new IllegalStateException("every seventh call fails");
            }
        }, DispatchPolicy.SYNC);
        int producers = 4;
        int perProducer = 30_000;
        Producers.emitConcurrently(bus, producers, perProducer);

        ObserverStats stats = flaky.stats();
        long accepted = (long) producers * (perProducer - (perProducer + 2) / 3);
        assertThat(stats.received()).isEqualTo(accepted);
        assertThat(stats.delivered() + stats.failed()).isEqualTo(seen.get());
        assertThat(stats.failed()).isEqualTo(seen.get() / 7);
        assertThat(stats.received()).isEqualTo(stats.delivered() + stats.failed() + stats.droppedTotal());
    }

    @Test
    void anObserverFailingEveryOtherEventDoesNotMakeTheRegistryChurn() {
        EventBus bus = new EventBus();
        AtomicLong calls = new AtomicLong();
        Registration flaky = sync(bus, "flaky", e -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("every other call fails");
            }
        });
        for (int i = 0; i < 200_000; i++) {
            bus.emit(event(0, i));
        }
        // one switch to the slow path, and back at most once a second: a handful of generations
        assertThat(bus.slotsUsed()).isLessThan(20);
        ObserverStats stats = flaky.stats();
        assertThat(stats.received()).isEqualTo(200_000);
        assertThat(stats.delivered() + stats.failed()).isEqualTo(200_000);
    }

    @Test
    void anObserverThatKeepsFailingNowAndThenReturnsToTheDirectPathLessAndLessOften() {
        // 2 ms quiet before the first return, doubling after each: at most a dozen returns a second
        EventBus bus = new EventBus(Duration.ofMillis(2));
        long[] lastFailure = {System.nanoTime()};
        Registration flapping = sync(bus, "flapping", e -> {
            if (System.nanoTime() - lastFailure[0] > TimeUnit.MILLISECONDS.toNanos(5)) {
                lastFailure[0] = System.nanoTime();
                throw new IllegalStateException("fails every 5 ms");
            }
        });
        long emitted = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(1);
        long giveUp = start + TimeUnit.SECONDS.toNanos(10);
        // At least a second, and at least 100 failures: a loaded machine may take longer to fail 100 times.
        while (System.nanoTime() - end < 0
                || (emitted % 10_000 != 0 || flapping.stats().failed() <= 100) && System.nanoTime() - giveUp < 0) {
            bus.emit(event(0, emitted++));
        }
        // with a fixed delay it came back every 5 ms: about 400 slots a second; doubling, a dozen in ten seconds
        assertThat(bus.slotsUsed()).isLessThan(40);
        ObserverStats stats = flapping.stats();
        assertThat(stats.received()).isEqualTo(emitted);
        assertThat(stats.delivered() + stats.failed()).isEqualTo(emitted);
        assertThat(stats.failed()).isGreaterThan(100);
    }

    @Test
    void producersOnShortLivedThreadsAreCountedAndTheirCellsLetGo() throws Exception {
        EventBus bus = new EventBus();
        AtomicLong seen = new AtomicLong();
        Registration counting = sync(bus, "counting", e -> seen.incrementAndGet());
        for (int round = 0; round < 50; round++) {
            emitFromTwentyShortLivedThreads(bus);
            assertThat(counting.stats().received()).isEqualTo((round + 1) * 200L);
        }
        assertThat(seen).hasValue(10_000);
        assertThat(counting.stats().received()).isEqualTo(10_000);
        // Before, every one of the 1000 threads kept its cells for the life of the bus.
        assertThat(bus.producerThreadsKept()).isZero();
    }

    @Test
    void anAsyncLaneLetsTheRingsOfEndedProducerThreadsGo() throws Exception {
        EventBus bus = new EventBus();
        AtomicLong seen = new AtomicLong();
        Registration counting = bus.register("counting", e -> seen.incrementAndGet());
        for (int round = 0; round < 50; round++) {
            emitFromTwentyShortLivedThreads(bus);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.get() == 10_000);
        assertThat(counting.stats().received()).isEqualTo(10_000);
        // Each of the 1000 threads had a ring of its own; an idle lane lets the ended ones go.
        await().atMost(Duration.ofSeconds(10)).until(() -> ((AsyncLane) counting).ringsRead() == 0);
    }

    @Test
    void dropsCountedByEndedProducerThreadsOutliveTheirRings() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch stuck = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        Registration full = bus.register("full", EventFilter.ALL, event -> {
            stuck.await();
            seen.incrementAndGet();
        }, new DispatchPolicy(DispatchMode.ASYNC, 4, OverflowPolicy.DROP_NEWEST, d.blockTimeout(),
                d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout()));
        for (int round = 0; round < 10; round++) {
            emitFromTwentyShortLivedThreads(bus);
        }
        assertThat(full.stats().dropped(DropReason.QUEUE_FULL)).isGreaterThan(1_000);

        stuck.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((AsyncLane) full).ringsRead() == 0 && full.stats().queued() == 0);
        // The producers counted these drops in their rings' readers; the lane keeps them.
        ObserverStats stats = full.stats();
        assertThat(stats.received()).isEqualTo(2_000);
        assertThat(stats.delivered()).isEqualTo(seen.get());
        assertThat(stats.delivered() + stats.dropped(DropReason.QUEUE_FULL)).isEqualTo(2_000);
    }

    /** A thread per request: each of 20 threads emits 10 events, then ends; returns when all have. */
    private static void emitFromTwentyShortLivedThreads(EventBus bus) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    bus.emit(event(0, i));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Records, per producer, that sequence numbers only grow. */
    private static final class OrderCheckingObserver implements Observer {
        private final ConcurrentHashMap<String, Long> last = new ConcurrentHashMap<>();
        private final AtomicLong count = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();

        @Override
        public void onEvent(ModelMetricEvent event) {
            long sequence = ((InferenceLatency) event).latencyMs();
            Long previous = last.put(event.model().name(), sequence);
            if (previous != null && previous >= sequence) {
                outOfOrder.incrementAndGet();
            }
            count.incrementAndGet();
        }

        long received() {
            return count.get();
        }
    }
}

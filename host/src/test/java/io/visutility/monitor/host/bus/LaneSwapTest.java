package io.visutility.monitor.host.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.api.Observer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Swapping the observer behind a registration, as a hot reload does: no event lost or doubled. */
class LaneSwapTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static InferenceLatency event(long sequence) {
        return new InferenceLatency(new ModelVersion("m", "v1"), sequence, T0);
    }

    private static final class Recorder implements Observer {
        final List<Long> received = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(ModelMetricEvent event) {
            received.add(((InferenceLatency) event).latencyMs());
        }
    }

    @ParameterizedTest
    @EnumSource(DispatchMode.class)
    void aReplacementClosedBeforeItsResumeCountsWhatItHeldAsClosedNotFailed(DispatchMode mode) {
        EventBus bus = new EventBus();
        Recorder old = new Recorder();
        Registration lane = bus.register("replaced", EventFilter.ALL, old, DispatchPolicy.DEFAULT);
        Registration replacement = bus.replace(lane, EventFilter.ALL, DispatchPolicy.DEFAULT.withMode(mode));
        for (long i = 0; i < 3; i++) {
            bus.emit(event(i)); // held: the replacement has no observer yet
        }

        replacement.close(); // given up, as when a reload fails before it resumes the new instance

        ObserverStats stats = replacement.stats();
        assertThat(stats.received()).as(stats.toString()).isEqualTo(3);
        assertThat(stats.dropped(DropReason.CLOSED)).as(stats.toString()).isEqualTo(3);
        assertThat(stats.failed()).isZero();
        assertThat(old.received).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(DispatchMode.class)
    void eventsEmittedDuringASwapReachTheNewObserverInOrder(DispatchMode mode) throws Exception {
        EventBus bus = new EventBus();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        DispatchPolicy policy = new DispatchPolicy(mode, 1 << 16, OverflowPolicy.BLOCK, Optional.of(Duration.ofSeconds(30)),
                d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
        List<Recorder> generations = new ArrayList<>();
        Recorder first = new Recorder();
        generations.add(first);
        Registration lane = bus.register("swapped", EventFilter.ALL, first, policy);
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService producer = Executors.newSingleThreadExecutor();
        long[] emitted = new long[1];
        try {
            Future<?> running = producer.submit(() -> {
                while (producing.get()) {
                    bus.emit(event(emitted[0]++));
                }
            });
            for (int swap = 0; swap < 20; swap++) {
                Recorder current = generations.get(generations.size() - 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> current.received.size() > 10);
                assertThat(lane.hold()).isTrue();
                Recorder next = new Recorder();
                generations.add(next);
                lane.resume(next);
            }
            producing.set(false);
            running.get(10, TimeUnit.SECONDS);
        } finally {
            producer.shutdownNow();
        }
        lane.close();

        List<Long> all = new ArrayList<>();
        generations.forEach(g -> all.addAll(g.received));
        assertThat(all).hasSize((int) emitted[0]);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).as("event %d", i).isEqualTo(i);
        }
        ObserverStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo(emitted[0]);
        assertThat(stats.delivered()).isEqualTo(emitted[0]);
        assertThat(stats.droppedTotal()).isZero();
    }

    /** Counts its calls, and the calls that came after its hold returned (there must be none). */
    private static final class Retirable implements Observer {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong afterRetired = new AtomicLong();
        volatile boolean retired;

        @Override
        public void onEvent(ModelMetricEvent event) {
            if (retired) {
                afterRetired.incrementAndGet();
            }
            calls.incrementAndGet();
        }
    }

    @org.junit.jupiter.api.Test
    void syncSwapsWhileProducersOnShortLivedThreadsComeAndGo() throws Exception {
        EventBus bus = new EventBus();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        DispatchPolicy policy = new DispatchPolicy(DispatchMode.SYNC, 1 << 16, OverflowPolicy.BLOCK,
                Optional.of(Duration.ofSeconds(30)), d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
        List<Retirable> generations = new CopyOnWriteArrayList<>(List.of(new Retirable()));
        Registration lane = bus.register("swapped", EventFilter.ALL, generations.get(0), policy);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong emitted = new AtomicLong();
        ExecutorService spawners = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                running.add(spawners.submit(() -> {
                    while (producing.get()) { // a thread per request: each emits a little, then ends
                        Thread producer = new Thread(() -> {
                            for (int i = 0; i < 50; i++) {
                                bus.emit(event(i));
                                emitted.incrementAndGet();
                            }
                        });
                        producer.start();
                        producer.join();
                    }
                    return null;
                }));
            }
            for (int swap = 0; swap < 30; swap++) {
                Retirable current = generations.get(generations.size() - 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> current.calls.get() > 100);
                assertThat(lane.hold()).isTrue();
                current.retired = true; // from here on the old observer must not be called
                Retirable next = new Retirable();
                generations.add(next);
                lane.resume(next);
            }
            producing.set(false);
            for (Future<?> future : running) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            spawners.shutdownNow();
        }

        long delivered = generations.stream().mapToLong(g -> g.calls.get()).sum();
        assertThat(generations).allSatisfy(g -> assertThat(g.afterRetired).hasValue(0));
        assertThat(delivered).isEqualTo(emitted.get());
        ObserverStats stats = lane.stats();
        assertThat(stats.received()).isEqualTo(emitted.get());
        assertThat(stats.delivered()).isEqualTo(emitted.get());
        assertThat(bus.producerThreadsKept()).isZero();
        lane.close();
    }

    @ParameterizedTest
    @EnumSource(DispatchMode.class)
    void replaceHandsEveryEventToExactlyOneOfTheTwo(DispatchMode mode) throws Exception {
        EventBus bus = new EventBus();
        DispatchPolicy policy = DispatchPolicy.DEFAULT.withMode(mode);
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        Registration old = bus.register("r", EventFilter.ALL, before, policy);
        for (long i = 0; i < 1000; i++) {
            bus.emit(event(i));
        }
        Registration replacement = bus.replace(old, EventFilter.ALL, policy);
        assertThat(before.received).hasSize(1000); // drained before replace returned
        for (long i = 1000; i < 2000; i++) {
            bus.emit(event(i));
        }
        assertThat(after.received).isEmpty(); // held until resume gives the lane its observer
        assertThat(replacement.resume(after)).isEqualTo(1000);
        for (long i = 2000; i < 2100; i++) {
            bus.emit(event(i));
        }
        replacement.close();

        assertThat(before.received).hasSize(1000);
        assertThat(after.received).hasSize(1100);
        for (int i = 0; i < 1100; i++) {
            assertThat(after.received.get(i)).as("event %d", i).isEqualTo(1000L + i);
        }
        assertThat(bus.size()).isZero();
    }

    /** Records the thread it runs on and what a plugin's thread local holds there. */
    private static final class ThreadLocalUser implements Observer {
        // inheritable: a thread started by the lane thread must not copy it either
        static final ThreadLocal<String> PLUGIN_STATE = new InheritableThreadLocal<>();
        final String name;
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final List<String> foundOnArrival = new CopyOnWriteArrayList<>();

        ThreadLocalUser(String name) {
            this.name = name;
        }

        @Override
        public void onEvent(ModelMetricEvent event) {
            threads.add(Thread.currentThread());
            foundOnArrival.add(String.valueOf(PLUGIN_STATE.get()));
            PLUGIN_STATE.set(name); // what would pin a plugin's class loader to the lane thread
        }
    }

    @org.junit.jupiter.api.Test
    void aResumedAsyncLaneRunsTheNextObserverOnAFreshThreadWithoutTheOldThreadLocals() {
        EventBus bus = new EventBus();
        ThreadLocalUser before = new ThreadLocalUser("before");
        Registration lane = bus.register("renewed", EventFilter.ALL, before, DispatchPolicy.DEFAULT);
        for (int round = 0; round < 50; round++) {
            bus.emit(event(round));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> before.threads.size() == 50);

        assertThat(lane.hold()).isTrue();
        ThreadLocalUser after = new ThreadLocalUser("after");
        lane.resume(after);
        bus.emit(event(50));
        await().atMost(Duration.ofSeconds(10)).until(() -> after.threads.size() == 1);
        lane.close();

        Thread old = before.threads.get(0);
        assertThat(before.threads).containsOnly(old);
        assertThat(after.threads.get(0)).isNotSameAs(old);
        assertThat(after.threads.get(0).getName()).isEqualTo("lane-renewed");
        assertThat(after.foundOnArrival).containsExactly("null");
        await().atMost(Duration.ofSeconds(10)).until(() -> !old.isAlive());
        assertThat(lane.stats().delivered()).isEqualTo(51);
    }

    /** The old code renewed the thread at every resume; the same observer object again must not keep the old thread. */
    @org.junit.jupiter.api.Test
    void aLaneResumedWithTheSameObserverStillRunsItOnAFreshThread() {
        EventBus bus = new EventBus();
        ThreadLocalUser observer = new ThreadLocalUser("same");
        Registration lane = bus.register("renewed-same", EventFilter.ALL, observer, DispatchPolicy.DEFAULT);
        bus.emit(event(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.threads.size() == 1);

        assertThat(lane.hold()).isTrue();
        lane.resume(observer);
        bus.emit(event(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.threads.size() == 2);
        lane.close();

        assertThat(observer.threads.get(1)).isNotSameAs(observer.threads.get(0));
        assertThat(observer.foundOnArrival).containsExactly("null", "null");
    }

    /** A hold right after a resume: the lane thread may still be parked from the first hold, and must acknowledge this one too. */
    @ParameterizedTest
    @EnumSource(DispatchMode.class)
    void aHoldRightAfterAResumeReturnsTrueAtOnce(DispatchMode mode) {
        EventBus bus = new EventBus();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        DispatchPolicy policy = new DispatchPolicy(mode, d.capacity(), d.whenFull(), d.blockTimeout(),
                d.failuresBeforePause(), d.pause(), d.maxPause(), Duration.ofSeconds(2));
        Registration lane = bus.register("held-again", EventFilter.ALL, new Recorder(), policy);
        Registration replacement = bus.replace(lane, EventFilter.ALL, policy); // starts held, with no observer
        for (int round = 0; round < 20; round++) {
            replacement.resume(new Recorder());
            // Without the acknowledgement the hold waits out its 2 s timeout and returns false.
            assertThat(replacement.hold()).as("round %d", round).isTrue();
        }
        replacement.resume(new Recorder());
        replacement.close();
    }
}

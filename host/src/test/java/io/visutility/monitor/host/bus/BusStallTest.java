package io.visutility.monitor.host.bus;

import static io.visutility.monitor.host.bus.Producers.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.visutility.monitor.api.ModelMetricEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What must not stall a producer under the default {@code block}: a lane that left the bus, a paused observer, a wait already spent. */
class BusStallTest {

    private static DispatchPolicy policy(DispatchMode mode, int capacity, OverflowPolicy whenFull,
                                         Optional<Duration> blockTimeout, Duration shutdownTimeout) {
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        return new DispatchPolicy(mode, capacity, whenFull, blockTimeout, d.failuresBeforePause(), d.pause(),
                d.maxPause(), shutdownTimeout);
    }

    /**
     * A lane whose observer hangs is closed (its drain gives up after its shutdown timeout): once
     * it is past that timeout, the producer no longer waits for it, and the other observer goes on.
     */
    @Test
    void aClosedLaneWhoseObserverHangsNoLongerHoldsTheProducer() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Registration hung = bus.register("hung", EventFilter.ALL, e -> {
            inside.countDown();
            release.await();
        }, policy(DispatchMode.ASYNC, 16, OverflowPolicy.BLOCK, Optional.empty(), Duration.ofMillis(100)));
        List<ModelMetricEvent> healthyGot = new CopyOnWriteArrayList<>();
        Registration healthy = bus.register("healthy", EventFilter.ALL, healthyGot::add, DispatchPolicy.DEFAULT);

        AtomicLong emitted = new AtomicLong();
        CountDownLatch firstFive = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread producer = new Thread(() -> {
            try {
                bus.emit(event(0, 0));
                inside.await();
                for (int i = 1; i < 6; i++) {
                    bus.emit(event(0, i)); // unread: the lane is stuck in onEvent(event 0)
                }
                emitted.set(6);
                firstFive.countDown();
                closed.await();
                for (int i = 6; i < 30_000; i++) {
                    bus.emit(event(0, i));
                    emitted.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "producer");
        producer.setDaemon(true);
        producer.start();
        firstFive.await();
        hung.close(); // the drain gives up after 100 ms + 1 s and logs an error
        closed.countDown();

        producer.join(10_000);
        boolean stuck = producer.isAlive();
        release.countDown();
        producer.join(10_000);
        healthy.close();
        assertThat(stuck).as("producer blocked by a lane that left the bus").isFalse();
        assertThat(healthyGot).hasSize(30_000);
    }

    /** An observer that keeps throwing is paused (1 s, doubling): its events are dropped as paused, and the producer and the other observers go on. */
    @Test
    void aPausedObserverDropsItsEventsInsteadOfHoldingTheProducerAndTheOthers() throws Exception {
        EventBus bus = new EventBus();
        Registration failing = bus.register("failing", EventFilter.ALL, e -> {
            throw new IllegalStateException("endpoint down");
        }, policy(DispatchMode.ASYNC, 16, OverflowPolicy.BLOCK, Optional.empty(), Duration.ofMillis(100)));
        List<ModelMetricEvent> healthyGot = new CopyOnWriteArrayList<>();
        Registration healthy = bus.register("healthy", EventFilter.ALL, healthyGot::add, DispatchPolicy.DEFAULT);
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                bus.emit(event(0, i));
            }
        }, "producer");
        producer.setDaemon(true);
        producer.start();
        producer.join(5_000);
        boolean stuck = producer.isAlive();
        failing.close();
        producer.join(10_000);
        healthy.close();
        assertThat(stuck).as("a failing observer held the producer").isFalse();
        assertThat(healthyGot).hasSize(100);
        assertThat(failing.stats().dropped(DropReason.PAUSED)).isPositive();
        assertThat(failing.stats().received()).isEqualTo(failing.stats().failed() + failing.stats().droppedTotal());
    }

    /**
     * A lane waited out its own block timeout for an event that was then not published (another
     * lane missed the source's deadline): the next event waits its own block timeout again, and
     * is not dropped when the lane makes room within it.
     */
    @Test
    void anEventNotPublishedLeavesNoWaitSpentForTheNextOne() throws Exception {
        EventBus bus = new EventBus();
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        List<ModelMetricEvent> aGot = new CopyOnWriteArrayList<>();
        Registration a = bus.register("a", EventFilter.ALL, e -> {
            releaseA.await();
            aGot.add(e);
        }, policy(DispatchMode.ASYNC, 2, OverflowPolicy.BLOCK, Optional.of(Duration.ofMillis(300)),
                Duration.ofSeconds(10)));
        Registration b = bus.register("b", EventFilter.ALL, e -> releaseB.await(),
                policy(DispatchMode.ASYNC, 2, OverflowPolicy.BLOCK, Optional.empty(), Duration.ofSeconds(10)));
        // Until both lanes are full (how many each takes into its stuck batch varies): the refused
        // event is one for which a waited out its 300 ms and was detached, and b was still full at 1 s.
        int refused = 0;
        while (bus.offer(event(0, refused), 1, TimeUnit.SECONDS)) {
            refused++;
            assertThat(refused).isLessThan(16);
        }
        long dropsBefore = a.stats().dropped().get(DropReason.BLOCK_TIMEOUT);
        releaseB.countDown();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            releaseA.countDown();
        });
        releaser.start();
        boolean placed = bus.offer(event(0, refused), 1, TimeUnit.SECONDS);
        releaser.join();
        a.close();
        b.close();
        long dropsAfter = a.stats().dropped().get(DropReason.BLOCK_TIMEOUT);
        assertThat(placed).isTrue();
        assertThat(dropsAfter).as("a dropped the resent event without waiting its block_timeout").isEqualTo(dropsBefore);
        assertThat(aGot).contains(event(0, refused));
    }
}

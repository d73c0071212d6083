package io.visutility.monitor.bench;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.visutility.monitor.api.ModelMetricEvent;
import io.visutility.monitor.api.Observer;
import io.visutility.monitor.host.bus.DispatchMode;
import io.visutility.monitor.host.bus.DispatchPolicy;
import io.visutility.monitor.host.bus.EventBus;
import io.visutility.monitor.host.bus.EventFilter;
import io.visutility.monitor.host.bus.OverflowPolicy;
import io.visutility.monitor.host.bus.Registration;
import io.visutility.monitor.host.bus.ProcessingTime;
import io.visutility.monitor.bench.Workload.CountingObserver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.Optional;

/**
 * A design experiment for the async lanes, not used by the host: what a multicast ring shared by
 * the four consumers could give, before anyone builds it into the bus. The designs run in
 * rotating order in each round, in one process, for the same time each:
 * <ul>
 *   <li>{@code single-writer ring}: one producer, a published cursor, preallocated slot holders
 *       (4 to a cache line), consumers that take everything up to the cursor as a batch and publish
 *       their position once per batch, each position on a cache line of its own (the Disruptor's
 *       single-producer design, written small);
 *   <li>the same with the records a lane keeps for its metrics (a processing-time histogram, the
 *       time's sum, the delivered count), {@code per call} as the lanes keep them today (one clock
 *       read per call) or {@code per batch} (one clock read per batch);
 *   <li>the same, per batch, with batches read as a lane of the design in BENCHMARKS.md would: copied
 *       out, claimed with a compare-and-set of the position, filtered;
 *   <li>{@code single-writer ring of references}: the same over a plain array of event references
 *       (16 to a cache line, which the producer writes while the consumers read it);
 *   <li>{@code shared ring}: the first, but any thread may publish: a {@code LOCK XADD} claims a
 *       sequence and each slot carries the sequence it holds;
 *   <li>the bus itself, four async lanes ({@code block}, 8192), as {@code AsyncEmitBenchmark} runs it;
 *   <li>the LMAX Disruptor, single producer, {@code SleepingWaitStrategy} (the baseline).
 * </ul>
 * Both prototypes wait like the sleeping strategy (100 spins, 100 yields, then 100 ns naps) and
 * have none of a lane's policies or counters. Their consumers are stopped after each run, or
 * their naps would slow the next runs down.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.RingPrototypeHarness
 * <rounds> <seconds per design>}.
 */
public final class RingPrototypeHarness {

    private static final int SIZE = 8192;
    private static final int MASK = SIZE - 1;
    /** Longs between two padded values: 128 bytes, so that no two share a cache line (or its neighbour). */
    private static final int PAD = 16;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int BATCH = 256;
    /** A lane's filter, read through the interface as the bus reads it. */
    private static final EventFilter FILTER = EventFilter.ALL;

    private RingPrototypeHarness() {
    }

    /** One design under test: {@code start} starts the consumers and returns the publisher. */
    private record Design(String name, Function<CountingObserver[], Publisher> start) {
    }

    /** What a consumer records besides calling its observer. */
    private enum Bookkeeping {
        /** Nothing: the Disruptor's handlers. */
        NONE,
        /** What a lane records today: one clock read, a histogram bucket, the sum and the delivered count per call. */
        PER_CALL,
        /** The same records once per batch: one clock read, the batch's time and size. */
        PER_BATCH
    }

    private interface Publisher {
        void publish(ModelMetricEvent event);

        void stop();
    }

    /**
     * The prototype ring. Positions live in one padded array: the cursor (the last published
     * sequence, or the claim counter of the shared ring) at {@code PAD}, consumer i's next sequence
     * at {@code (i + 2) * PAD}. Thread-safety: one publisher thread (or, shared, any number); one
     * thread per consumer index.
     */
    private static final class Ring implements Publisher {
        private final boolean shared;
        private final boolean holders;
        private final Bookkeeping bookkeeping;
        private final boolean claim;
        private final Slot[] slots = new Slot[SIZE];
        private final ModelMetricEvent[] references = new ModelMetricEvent[SIZE];
        private final long[] published = new long[SIZE]; // shared ring: the sequence each slot holds
        private final long[] positions;
        private final int consumers;
        private long gate; // single writer: a cached lower bound of every consumer's position
        private volatile long sharedGate;
        private volatile boolean running = true;
        private final List<Thread> threads = new ArrayList<>();

        Ring(boolean shared, boolean holders, Bookkeeping bookkeeping, boolean claim, CountingObserver[] observers) {
            this.shared = shared;
            this.holders = holders;
            this.bookkeeping = bookkeeping;
            this.claim = claim;
            this.consumers = observers.length;
            this.positions = new long[(consumers + 3) * PAD];
            LONGS.setRelease(positions, PAD, -1L);
            for (int i = 0; i < SIZE; i++) {
                published[i] = i - SIZE;
                slots[i] = new Slot();
            }
            for (int i = 0; i < consumers; i++) {
                int index = i;
                Thread thread = new Thread(() -> {
                    try {
                        consume(index, observers[index]);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "ring-consumer-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }

        @Override
        public void publish(ModelMetricEvent event) {
            long sequence;
            if (shared) {
                sequence = (long) LONGS.getAndAdd(positions, PAD, 1L) + 1;
                long wrap = sequence - SIZE;
                if (wrap >= sharedGate) {
                    sharedGate = awaitConsumersPast(wrap);
                }
            } else {
                sequence = (long) LONGS.get(positions, PAD) + 1;
                long wrap = sequence - SIZE;
                if (wrap >= gate) {
                    gate = awaitConsumersPast(wrap);
                }
            }
            int slot = (int) sequence & MASK;
            if (holders) {
                slots[slot].event = event;
            } else {
                references[slot] = event;
            }
            if (shared) {
                LONGS.setRelease(published, slot, sequence);
            } else {
                LONGS.setRelease(positions, PAD, sequence);
            }
        }

        /** Waits until every consumer has passed {@code wrap}; returns the slowest one's position. */
        private long awaitConsumersPast(long wrap) {
            long slowest;
            while (wrap >= (slowest = slowest())) {
                LockSupport.parkNanos(1L); // as the Disruptor's producers do
            }
            return slowest;
        }

        private long slowest() {
            long slowest = Long.MAX_VALUE;
            for (int i = 0; i < consumers; i++) {
                slowest = Math.min(slowest, (long) LONGS.getAcquire(positions, (i + 2) * PAD));
            }
            return slowest;
        }

        /** The last sequence a consumer at {@code next} may read now, or {@code next - 1}. */
        private long available(long next) {
            if (!shared) {
                return (long) LONGS.getAcquire(positions, PAD);
            }
            long last = next - 1;
            while (last - next < SIZE - 1 && (long) LONGS.getAcquire(published, (int) (last + 1) & MASK) == last + 1) {
                last++;
            }
            return last;
        }

        private void consume(int index, Observer observer) throws Exception {
            Records records = new Records();
            ModelMetricEvent[] batch = new ModelMetricEvent[BATCH];
            long next = 0;
            int wait = 200;
            while (running) {
                long last = available(next);
                if (last < next) {
                    if (wait > 100) {
                        // a plain retry, no PAUSE: as the Disruptor's sleeping strategy spins
                    } else if (wait > 0) {
                        Thread.yield();
                    } else {
                        LockSupport.parkNanos(100);
                    }
                    wait = Math.max(0, wait - 1);
                    continue;
                }
                if (claim) {
                    next = consumeClaimed(index, observer, records, batch, next, last);
                    wait = 200;
                    continue;
                }
                long before = bookkeeping == Bookkeeping.NONE ? 0 : System.nanoTime();
                for (long sequence = next; sequence <= last; sequence++) {
                    int slot = (int) sequence & MASK;
                    observer.onEvent(holders ? slots[slot].event : references[slot]);
                    if (bookkeeping == Bookkeeping.PER_CALL) {
                        long after = System.nanoTime();
                        records.record(after - before, 1);
                        before = after;
                    }
                }
                if (bookkeeping == Bookkeeping.PER_BATCH) {
                    records.record(System.nanoTime() - before, last + 1 - next);
                }
                next = last + 1;
                LONGS.setRelease(positions, (index + 2) * PAD, next);
                wait = 200;
            }
        }

        /**
         * As a lane of the spill design would read: copies up to {@value #BATCH} events out, claims
         * them with one compare-and-set of its position (which a producer detaching the lane would
         * race), then filters, calls and records once per batch. Returns the next position.
         */
        private long consumeClaimed(int index, Observer observer, Records records, ModelMetricEvent[] batch,
                                    long next, long last) throws Exception {
            int taken = (int) Math.min(BATCH, last + 1 - next);
            for (int k = 0; k < taken; k++) {
                batch[k] = slots[(int) (next + k) & MASK].event;
            }
            if (!LONGS.compareAndSet(positions, (index + 2) * PAD, next, next + taken)) {
                throw new IllegalStateException("no producer detaches in this prototype");
            }
            long before = System.nanoTime();
            long delivered = 0;
            for (int k = 0; k < taken; k++) {
                if (FILTER.accepts(batch[k])) {
                    observer.onEvent(batch[k]);
                    delivered++;
                }
            }
            records.record(System.nanoTime() - before, Math.max(1, delivered));
            return next + taken;
        }

        @Override
        public void stop() {
            running = false;
        }
    }

    /**
     * A consumer's histogram and delivered count, kept as a lane keeps them (single writer, release
     * stores that a scrape could read). Thread-safety: one writing thread.
     */
    private static final class Records {
        private static final long[] BOUNDS_NANOS = ProcessingTime.UPPER_BOUNDS_SECONDS.stream()
                .mapToLong(seconds -> Math.round(seconds * 1e9)).toArray();
        private final long[] counts = new long[BOUNDS_NANOS.length + 1];
        private final long[] totals = new long[2 * PAD]; // sum of nanos at 0, delivered at PAD

        void record(long nanos, long calls) {
            long each = nanos / calls;
            int bucket = 0;
            while (bucket < BOUNDS_NANOS.length && each > BOUNDS_NANOS[bucket]) {
                bucket++;
            }
            LONGS.setRelease(counts, bucket, (long) LONGS.get(counts, bucket) + calls);
            LONGS.setRelease(totals, 0, (long) LONGS.get(totals, 0) + nanos);
            LONGS.setRelease(totals, PAD, (long) LONGS.get(totals, PAD) + calls);
        }
    }

    /** A Disruptor slot. */
    private static final class Slot {
        ModelMetricEvent event;
    }

    private static final Design SINGLE_WRITER =
            new Design("single-writer ring", observers -> new Ring(false, true, Bookkeeping.NONE, false, observers));
    private static final Design SINGLE_WRITER_TIMED_PER_CALL = new Design("the same, lane records per call",
            observers -> new Ring(false, true, Bookkeeping.PER_CALL, false, observers));
    private static final Design SINGLE_WRITER_TIMED_PER_BATCH = new Design("the same, lane records per batch",
            observers -> new Ring(false, true, Bookkeeping.PER_BATCH, false, observers));
    private static final Design SINGLE_WRITER_CLAIMED = new Design("the same, batches claimed and filtered",
            observers -> new Ring(false, true, Bookkeeping.PER_BATCH, true, observers));
    private static final Design SINGLE_WRITER_REFERENCES = new Design("single-writer ring of references",
            observers -> new Ring(false, false, Bookkeeping.NONE, false, observers));
    private static final Design SHARED =
            new Design("shared ring", observers -> new Ring(true, true, Bookkeeping.NONE, false, observers));
    private static final Design DISRUPTOR = new Design("Disruptor", RingPrototypeHarness::startDisruptor);
    private static final Design BUS = new Design("the bus's async lanes", RingPrototypeHarness::startBus);

    /** The real bus: four async lanes with AsyncEmitBenchmark's lossless policy ({@code block}, 8192). */
    private static Publisher startBus(CountingObserver[] observers) {
        EventBus bus = new EventBus();
        DispatchPolicy d = DispatchPolicy.DEFAULT;
        DispatchPolicy lossless = new DispatchPolicy(DispatchMode.ASYNC, SIZE, OverflowPolicy.BLOCK,
                Optional.empty(), d.failuresBeforePause(), d.pause(), d.maxPause(), d.shutdownTimeout());
        List<Registration> lanes = new ArrayList<>();
        for (int i = 0; i < observers.length; i++) {
            lanes.add(bus.register("observer-" + i, EventFilter.ALL, observers[i], lossless));
        }
        return new Publisher() {
            @Override
            public void publish(ModelMetricEvent event) {
                bus.emit(event);
            }

            @Override
            public void stop() {
                lanes.forEach(Registration::close);
            }
        };
    }

    private static Publisher startDisruptor(CountingObserver[] observers) {
        Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, SIZE, DaemonThreadFactory.INSTANCE,
                ProducerType.SINGLE, new SleepingWaitStrategy());
        @SuppressWarnings("unchecked")
        EventHandler<Slot>[] handlers = new EventHandler[observers.length];
        for (int i = 0; i < handlers.length; i++) {
            Observer observer = observers[i]; // through the interface, as the bus calls plugins
            handlers[i] = (slot, sequence, endOfBatch) -> observer.onEvent(slot.event);
        }
        disruptor.handleEventsWith(handlers);
        RingBuffer<Slot> ring = disruptor.start();
        return new Publisher() {
            @Override
            public void publish(ModelMetricEvent event) {
                ring.publishEvent((slot, sequence, value) -> slot.event = value, event);
            }

            @Override
            public void stop() {
                disruptor.halt();
            }
        };
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        long nanos = (long) (Double.parseDouble(args[1]) * 1e9);
        ModelMetricEvent[] events = Workload.events();
        List<Design> designs = List.of(BUS, SINGLE_WRITER, SINGLE_WRITER_TIMED_PER_CALL,
                SINGLE_WRITER_TIMED_PER_BATCH, SINGLE_WRITER_CLAIMED, SINGLE_WRITER_REFERENCES, SHARED, DISRUPTOR);
        for (int round = 1; round <= rounds; round++) {
            double[] rates = new double[designs.size()];
            for (int k = 0; k < designs.size(); k++) {
                int d = (k + round) % designs.size(); // rotate who runs first
                rates[d] = run(designs.get(d), events, nanos);
            }
            double baseline = rates[designs.size() - 1];
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int d = 0; d < designs.size() - 1; d++) {
                line.append(String.format(" %s %.2fM/s (%.2f),", designs.get(d).name(), rates[d] / 1e6,
                        rates[d] / baseline));
            }
            System.out.println(line.append(String.format(" Disruptor single-producer sleeping %.2fM/s", baseline / 1e6)));
        }
        System.exit(0);
    }

    /** Publishes for {@code nanos}, checks that every consumer saw every event, and returns events/s. */
    private static double run(Design design, ModelMetricEvent[] events, long nanos) throws InterruptedException {
        CountingObserver[] observers = Workload.observers();
        Publisher publisher = design.start().apply(observers);
        long published = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanos) {
            for (int k = 0; k < 1024; k++) {
                publisher.publish(events[(int) (published++ & (Workload.EVENTS - 1))]);
            }
        }
        double rate = published / ((System.nanoTime() - start) / 1e9);
        Workload.awaitSeen(observers, published);
        publisher.stop();
        return rate;
    }
}

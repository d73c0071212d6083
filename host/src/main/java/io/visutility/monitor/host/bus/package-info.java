/**
 * The event bus: {@link io.visutility.monitor.host.bus.EventBus} fans each event out to one lane per
 * observer, a sync lane ({@code SyncLane}, on the producer's thread) or an async lane
 * ({@code AsyncLane}, a thread of its own fed by each producer's {@code ProducerRing} and by its own
 * {@code LaneQueue}).
 *
 * <h2>The parts of an async lane</h2>
 * <ul>
 *   <li>{@code LaneState}: its lifecycle, one int moved by compare-and-set;
 *   <li>{@code RingReader}: its position in one producer's ring, with both halves of detach and
 *       reattach; {@code LaneReaders}: the list of them;
 *   <li>{@code LaneQueue}: the overflow path and its policy;
 *   <li>{@code IdleStrategy}: spinning, napping, parking, and the attention flag that tells
 *       producers to wake it;
 *   <li>{@code DeliveryLoop}: takes batches and delivers them;
 *   <li>{@code LaneShutdown}: the last look, and what comes late;
 *   <li>{@code Sequence}: a padded long for every value the producer and the lane share per event.
 * </ul>
 *
 * <h2>Who decides how long a producer waits</h2>
 * Under {@code block} (the default) a full lane makes the producer wait for room; the source
 * decides how long, with a {@code Deadline} it passes down every path that may wait
 * ({@code ProducerRing.publish}, {@code RingReader.roomFor}, {@code LaneQueue.blockUntil}, a held
 * {@code SyncLane}'s buffer). When it passes, nothing is dropped: the ring does not publish the
 * event (or a detached lane's queue does not take it) and the emit reports
 * {@code Placement.REFUSED}, so the source knows which event was not placed. A lane's own
 * {@code block_timeout}, when set, ends the wait sooner and drops, as the other policies drop.
 * Events a replaced lane hands on were accepted already: they wait without a deadline. No producer
 * waits for a lane that is closing past its shutdown timeout ({@code LaneShutdown.overdue}): an
 * observer stuck in {@code onEvent} must not hold the bus after it left it. A paused observer's
 * lane keeps taking events and drops them ({@code paused}), so a failing observer never holds a
 * producer either.
 *
 * <h2>Handshakes</h2>
 * Each is a pair of threads that each store, fence, then load what the other stored: so either A
 * sees B or B sees A. The code names them where they happen.
 * <dl>
 *   <dt>announce vs hold</dt>
 *   <dd>A sync lane's hold must know that no emit still calls the old observer. The emit announces
 *       itself in its registry generation's counting cell (a full fence), then reads the registry
 *       again; the hold publishes a new registry, then sums the old generation's cells. Either the
 *       emit sees the new registry (and starts over on it), or the hold sees the announcement (and
 *       waits for the emit's end count). {@code EventBus.emit}, {@code EventBus.awaitEmitsBefore}.</dd>
 *   <dt>hold acknowledgement</dt>
 *   <dd>An async lane's hold moves the state RUNNING to HOLD_REQUESTED; the lane thread checks the
 *       state before each call and, between calls, moves it HOLD_REQUESTED to HELD and parks. Both
 *       are compare-and-sets on one field, so a resume that comes first (HOLD_REQUESTED to RUNNING)
 *       makes the acknowledgement fail, and the hold waits only for HELD. {@code LaneState},
 *       {@code DeliveryLoop.waitWhileHeld}.</dd>
 *   <dt>publish vs sleep</dt>
 *   <dd>A lane about to park raises its attention flag (counting itself in each ring it reads,
 *       then the flag, under its readers lock) about a millisecond of naps before it parks, sets
 *       {@code sleeping}, then reads every ring's cursor and the queue with volatile reads. A
 *       producer publishes (a release store of the cursor, or the queue's compare-and-set), reads
 *       its ring's count and the lane's flag, and if they are raised, fences and reads
 *       {@code sleeping}. Once the producer sees the flag, either the lane's last look sees the
 *       event or the producer sees {@code sleeping} and unparks it. The flag is read before the
 *       fence, so a producer may not yet see one raised in the last nanoseconds: the naps between
 *       the raise and the park, and the timed park itself, cover that. {@code IdleStrategy.idle},
 *       {@code ProducerRing.publish}, {@code AsyncLane.afterOffer}.</dd>
 *   <dt>detach vs batch claim</dt>
 *   <dd>The lane copies a batch out of a ring, then claims it by a compare-and-set of its position;
 *       a producer that finds the lane a whole limit behind claims the same position for
 *       {@code DETACHED} by compare-and-set, then moves the unread events to the lane's queue.
 *       One of the two wins each event; the loser drops its copy or looks again. A closing lane
 *       looks at the producer's evacuation count before its queue, and the producer counts itself
 *       before it claims, so the lane cannot end while events are on their way to its queue.
 *       {@code DeliveryLoop.takeFromRing}, {@code RingReader.roomFor}.</dd>
 *   <dt>reattach order</dt>
 *   <dd>A detached lane whose queue is empty sets {@code comeBack}; the producer, at its next
 *       publish, stores the position (everything before it went to the queue), then clears
 *       {@code comeBack}. The lane reads {@code comeBack} before the position, and once it sees
 *       the reattach it reads the ring only after its queue's consumer index has passed the
 *       producer index it noted: so a producer's events never overtake each other between queue
 *       and ring. A new reader starts with the same mark, behind what a replaced lane handed on.
 *       {@code RingReader.readablePosition}, {@code RingReader.reattachIfAsked}.</dd>
 *   <dt>late hand-on</dt>
 *   <dd>A lane thread that ends raises its attention, sets the state ENDED, then takes its last
 *       look (volatile reads of every ring and the queue, under its late lock). A producer that
 *       publishes or offers, then (after a fence) sees ENDED, takes what it sent late itself, under
 *       the same lock and after the last look, and hands it on to the lane that replaced this one
 *       (or counts it as closed). Either the last look sees the event, or the producer sees the
 *       end. {@code AsyncLane.end}, {@code LaneShutdown.takeLate}, {@code ProducerRing.leave}.</dd>
 * </dl>
 *
 * <h2>Lock order</h2>
 * An async lane has two locks, and the bus one:
 * <ul>
 *   <li>the bus's write lock (register, unregister, replace, refresh): held while a registry is
 *       published and a new lane made; never while a lane drains or waits for a producer;
 *   <li>a lane's late lock ({@code LaneShutdown}): held by its lane thread for the last look, and by
 *       producers while they hand what came late on to the lane's successor; handing on may take
 *       the successor's own locks (its readers lock; its late lock, if it has ended too; a sync
 *       successor's monitor and, through its registry refresh, the bus's write lock), or wait
 *       under {@code block} for the successor's room (without a deadline, or up to its block
 *       timeout), which the swap's resume makes;
 *   <li>a lane's readers lock ({@code LaneReaders}): held for list changes, attention counts and
 *       drop counts only; nothing is called under it that takes another lock.
 * </ul>
 * Locks are taken from a lane towards its successor, never back (a successor never hands on to
 * the lane it replaced), and the bus's write lock is never held while a late lock is taken; so no
 * cycle can form. {@code drain()} takes neither lane lock while it waits for the lane thread, so a
 * producer that holds a late lock while it waits for a held replacement cannot stall the swap
 * that resumes it.
 */
package io.visutility.monitor.host.bus;

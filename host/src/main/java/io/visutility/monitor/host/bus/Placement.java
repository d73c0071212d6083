package io.visutility.monitor.host.bus;

/** What became of an event a producer handed to a lane. */
enum Placement {
    /** Queued or delivered. */
    TAKEN,
    /** Dropped by the lane's overflow policy, and counted there. */
    DROPPED,
    /** Not placed: the source's deadline passed (or its thread was interrupted) while it waited for room. */
    REFUSED
}

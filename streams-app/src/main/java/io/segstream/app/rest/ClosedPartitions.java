package io.segstream.app.rest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local partitions that reads found closed, and whether a read may still wait for one to
 * reopen. A read waits only while the closure is younger than the wait: a copy that stays closed
 * would otherwise hold every request for it for the whole wait, and under a bidder's load tie up
 * all of the server's threads. Times are {@link System#nanoTime()} values.
 */
final class ClosedPartitions {

    /** Closed since {@code since}, last found closed at {@code seen}. */
    private record Closure(long since, long seen) {}

    private final long waitNanos;
    private final Map<Integer, Closure> closed = new ConcurrentHashMap<>();

    ClosedPartitions(long waitNanos) {
        this.waitNanos = waitNanos;
    }

    /**
     * Records that a read found {@code partition} closed at {@code now}; true while the closure is
     * younger than the wait. A closure not seen for a whole wait is taken to have ended in between:
     * a partition that moved away and came back was read by nobody here while it was gone.
     */
    boolean mayWait(int partition, long now) {
        Closure closure =
                closed.compute(
                        partition,
                        (p, c) ->
                                c == null || now - c.seen() >= waitNanos
                                        ? new Closure(now, now)
                                        : new Closure(c.since(), now));
        return now - closure.since() < waitNanos;
    }

    /** A read found {@code partition} open. */
    void opened(int partition) {
        if (!closed.isEmpty()) {
            closed.remove(partition);
        }
    }
}

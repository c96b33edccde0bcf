package io.segstream.app.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClosedPartitionsTest {

    private static final long WAIT = 1_000;

    private final ClosedPartitions closed = new ClosedPartitions(WAIT);

    @Test
    void shouldLetReadsWaitOnlyWhileTheClosureIsYoungerThanTheWait() {
        assertThat(closed.mayWait(1, 10_000)).isTrue();
        assertThat(closed.mayWait(1, 10_500)).isTrue();
        assertThat(closed.mayWait(1, 10_999)).isTrue();
        // a copy closed for a whole wait: later reads are refused at once, however often they come
        assertThat(closed.mayWait(1, 11_000)).isFalse();
        assertThat(closed.mayWait(1, 11_400)).isFalse();
        assertThat(closed.mayWait(1, 12_300)).isFalse();
        // other partitions are not affected
        assertThat(closed.mayWait(2, 12_300)).isTrue();
    }

    @Test
    void shouldStartAfreshOnceAReadFindsThePartitionOpen() {
        closed.mayWait(1, 10_000);
        closed.mayWait(1, 10_600);
        assertThat(closed.mayWait(1, 11_100)).isFalse();
        closed.opened(1);
        assertThat(closed.mayWait(1, 11_200)).isTrue();
    }

    @Test
    void shouldTakeAClosureNotSeenForAWholeWaitAsANewOne() {
        // closed, then nobody read it for a while: it moved away and came back, say
        closed.mayWait(1, 10_000);
        assertThat(closed.mayWait(1, 10_900)).isTrue();
        assertThat(closed.mayWait(1, 11_900)).isTrue();
        assertThat(closed.mayWait(1, 12_850)).isTrue();
        assertThat(closed.mayWait(1, 12_950)).isFalse();
    }
}

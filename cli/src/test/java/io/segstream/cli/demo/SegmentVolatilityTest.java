package io.segstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentVolatilityTest {

    private static final Instant DAY0 = Instant.parse("2025-01-01T08:00:00Z");

    @Test
    void shouldAverageEachDaysAddsAndDropsOverMembersLeavingFirstAssignmentsOut() {
        Instant day1 = DAY0.plus(Duration.ofDays(1));
        List<SegmentChange> changes =
                List.of(
                        // in arrival order, not event-time order: the day-1 move comes first
                        change("a", SegmentChangeType.MOVED, 0, 1, day1),
                        change("a", SegmentChangeType.FIRST_ASSIGNMENT, null, 0, DAY0),
                        change("b", SegmentChangeType.FIRST_ASSIGNMENT, null, 0, DAY0),
                        change("c", SegmentChangeType.FIRST_ASSIGNMENT, null, 1, DAY0));

        Map<Integer, Double> volatility = SegmentVolatility.meanDaily(changes);

        // day 0: no moves; day 1: segment 0 drops 1 of 1 member left, segment 1 adds 1 of 2
        assertThat(volatility.get(0)).isCloseTo((0 + 1.0) / 2, within(1e-12));
        assertThat(volatility.get(1)).isCloseTo((0 + 0.5) / 2, within(1e-12));
        assertThat(SegmentVolatility.line(volatility)).isEqualTo("0 50.0 % · 1 25.0 %");
    }

    @Test
    void shouldCountAnErasureAsADrop() {
        List<SegmentChange> changes =
                List.of(
                        change("a", SegmentChangeType.FIRST_ASSIGNMENT, null, 0, DAY0),
                        change("b", SegmentChangeType.FIRST_ASSIGNMENT, null, 0, DAY0),
                        change("a", SegmentChangeType.DELETED, 0, null, DAY0.plusSeconds(60)));

        assertThat(SegmentVolatility.meanDaily(changes)).containsEntry(0, 1.0);
    }

    private static SegmentChange change(
            String user, SegmentChangeType type, Integer from, Integer to, Instant at) {
        return SegmentChange.newBuilder()
                .setUserId(user)
                .setChangeType(type)
                .setPreviousSegment(from)
                .setNewSegment(to)
                .setPreviousDistance(null)
                .setNewDistance(null)
                .setModelVersion(1)
                .setEventTime(at)
                .setDrivers(List.of())
                .build();
    }
}

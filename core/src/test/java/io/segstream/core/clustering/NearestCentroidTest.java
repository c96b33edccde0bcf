package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class NearestCentroidTest {

    /** Two centroids on the x axis, 10 apart: the plain boundary is x = 5. */
    private static final List<Cluster> MODEL =
            List.of(
                    new Cluster(0, new double[] {0, 0}, 10),
                    new Cluster(1, new double[] {10, 0}, 10));

    private static final Offset<Double> EXACT = Offset.offset(1e-12);

    private final NearestCentroid withMargin = new NearestCentroid(0.1);

    @Test
    void shouldKeepABoundaryUserInTheirSegment() {
        // d(current=0) = 5.2, d(1) = 4.8; 4.8 is not below 0.9 * 5.2 = 4.68, so the user stays
        Assignment assignment = withMargin.assign(new double[] {5.2, 0}, MODEL, 0);

        assertThat(assignment.segmentId()).isZero();
        assertThat(assignment.changed()).isFalse();
        assertThat(assignment.distance()).isCloseTo(5.2, EXACT);
        assertThat(assignment.previousSegment()).isEqualTo(OptionalInt.of(0));
        assertThat(assignment.previousDistance()).isCloseTo(5.2, EXACT);
    }

    @Test
    void shouldMoveTheSameBoundaryUserWithoutAMargin() {
        Assignment assignment = new NearestCentroid(0).assign(new double[] {5.2, 0}, MODEL, 0);

        assertThat(assignment.segmentId()).isEqualTo(1);
        assertThat(assignment.changed()).isTrue();
    }

    @Test
    void shouldSwitchAUserWhoIsClearlyCloserToAnotherSegment() {
        // d(current=0) = 6, d(1) = 4 < 0.9 * 6 = 5.4
        Assignment assignment = withMargin.assign(new double[] {6, 0}, MODEL, 0);

        assertThat(assignment.segmentId()).isEqualTo(1);
        assertThat(assignment.changed()).isTrue();
        assertThat(assignment.distance()).isCloseTo(4, EXACT);
        assertThat(assignment.previousSegment()).isEqualTo(OptionalInt.of(0));
        assertThat(assignment.previousDistance()).isCloseTo(6, EXACT);
    }

    @Test
    void shouldStayWithoutChangeWhenTheCurrentSegmentIsNearest() {
        Assignment assignment = withMargin.assign(new double[] {9, 0}, MODEL, 1);

        assertThat(assignment).isEqualTo(new Assignment(1, 1.0, OptionalInt.of(1), 1.0, false));
    }

    @Test
    void shouldCountAFirstAssignmentAsAChange() {
        // the boundary point again: without a current segment hysteresis does not apply
        Assignment assignment = withMargin.assign(new double[] {5.2, 0}, MODEL, null);

        assertThat(assignment.segmentId()).isEqualTo(1);
        assertThat(assignment.changed()).isTrue();
        assertThat(assignment.distance()).isCloseTo(4.8, EXACT);
        assertThat(assignment.previousSegment()).isEmpty();
        assertThat(assignment.previousDistance()).isNaN();
    }

    @Test
    void shouldReassignAUserWhoseSegmentLeftTheModel() {
        Assignment assignment = withMargin.assign(new double[] {1, 0}, MODEL, 7);

        assertThat(assignment.segmentId()).isZero();
        assertThat(assignment.changed()).isTrue();
        assertThat(assignment.distance()).isCloseTo(1, EXACT);
        assertThat(assignment.previousSegment()).isEqualTo(OptionalInt.of(7));
        assertThat(assignment.previousDistance()).isNaN();
    }

    @Test
    void shouldRejectAMarginOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new NearestCentroid(1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> new NearestCentroid(-0.1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAVectorOfAnotherDimension() {
        assertThatThrownBy(() -> withMargin.assign(new double[] {1, 2, 3}, MODEL, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 3, expected 2");
    }

    @Test
    void shouldRejectANonFiniteVector() {
        assertThatThrownBy(() -> withMargin.assign(new double[] {Double.NaN, 0}, MODEL, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
    }
}

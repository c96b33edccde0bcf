package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentAlignmentTest {

    private static final List<Cluster> PREVIOUS =
            List.of(
                    new Cluster(3, new double[] {0, 0}, 10),
                    new Cluster(7, new double[] {10, 0}, 10),
                    new Cluster(9, new double[] {0, 10}, 10));

    @Test
    void shouldGiveEachNewCentreTheIdOfItsNearestOldOne() {
        List<double[]> shuffled =
                List.of(new double[] {0.5, 9}, new double[] {0.2, -0.1}, new double[] {9, 1});

        assertThat(SegmentAlignment.align(PREVIOUS, shuffled)).containsExactly(9, 3, 7);
    }

    @Test
    void shouldGiveNewIdsToExtraCentresWhenKGrows() {
        List<double[]> four =
                List.of(
                        new double[] {0, 0},
                        new double[] {10, 0},
                        new double[] {0, 10},
                        new double[] {10, 10});

        assertThat(SegmentAlignment.align(PREVIOUS, four)).containsExactly(3, 7, 9, 10);
    }

    @Test
    void shouldKeepTheIdsOfTheBestMatchesWhenKShrinks() {
        List<double[]> two = List.of(new double[] {9.5, 0.5}, new double[] {0.1, 9.9});

        assertThat(SegmentAlignment.align(PREVIOUS, two)).containsExactly(7, 9);
    }

    @Test
    void shouldNumberFromZeroWithoutAPreviousModel() {
        assertThat(SegmentAlignment.align(List.of(), List.of(new double[] {1}, new double[] {2})))
                .containsExactly(0, 1);
    }

    @Test
    void shouldKeepMembersInTheirSegmentWhereTheNearestOldCentreIsAnotherGroups() {
        // everyone's features grew between two fits: the group that was segment 3 now sits
        // next to segment 7's old centre, and segment 7's group has moved further up
        List<Cluster> previous =
                List.of(
                        new Cluster(3, new double[] {0, 0}, 10),
                        new Cluster(7, new double[] {10, 0}, 10));
        List<double[]> centers = List.of(new double[] {10, 1}, new double[] {9, 10});
        int[] labels = {0, 0, 0, 1, 1, 1};
        int[] current = {3, 3, 3, 7, 7, 7};

        assertThat(SegmentAlignment.align(previous, centers)).containsExactly(7, 3);
        assertThat(SegmentAlignment.align(previous, centers, labels, current))
                .containsExactly(3, 7);
    }

    @Test
    void shouldGiveAMergedCentreTheIdOfItsLargerPart() {
        List<double[]> two = List.of(new double[] {5, 0}, new double[] {0, 10});
        int[] labels = {0, 0, 0, 0, 0, 0, 0, 1, 1};
        int[] current = {3, 3, 7, 7, 7, 7, -1, 9, 9};

        assertThat(SegmentAlignment.align(PREVIOUS, two, labels, current)).containsExactly(7, 9);
    }

    @Test
    void shouldFallBackOnDistanceForMembersWithoutASegment() {
        List<double[]> shuffled =
                List.of(new double[] {0.5, 9}, new double[] {0.2, -0.1}, new double[] {9, 1});

        assertThat(
                        SegmentAlignment.align(
                                PREVIOUS, shuffled, new int[] {0, 1, 2}, new int[] {-1, -1, -1}))
                .containsExactly(9, 3, 7);
    }

    @Test
    void shouldRefuseLabelsAndSegmentsOfDifferentLengths() {
        assertThatThrownBy(
                        () ->
                                SegmentAlignment.align(
                                        PREVIOUS,
                                        List.of(new double[] {0, 0}),
                                        new int[] {0},
                                        new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 labels but 0 current segments");
    }
}

package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;

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
}

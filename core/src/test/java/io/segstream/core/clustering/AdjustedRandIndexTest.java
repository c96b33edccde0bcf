package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class AdjustedRandIndexTest {

    private static final Offset<Double> EXACT = Offset.offset(1e-12);

    @Test
    void shouldScoreIdenticalPartitionsOne() {
        int[] labels = {0, 0, 1, 1, 2, 2, 2};

        assertThat(AdjustedRandIndex.compute(labels, labels.clone())).isEqualTo(1.0);
    }

    @Test
    void shouldIgnoreHowLabelsAreNamed() {
        int[] a = {0, 0, 1, 1, 2, 2};
        int[] b = {5, 5, -3, -3, 9, 9};

        assertThat(AdjustedRandIndex.compute(a, b)).isEqualTo(1.0);
    }

    @Test
    void shouldMatchAHandComputedExample() {
        // A = [0 0 0 1 1 1], B = [0 0 1 1 2 2]; contingency rows A, columns B:
        //   A0: 2 1 0    A1: 0 1 2
        // index    = C(2) + C(2) = 1 + 1 = 2
        // rows     = C(3) + C(3) = 6, columns = C(2) + C(2) + C(2) = 3, C(6) = 15
        // expected = 6 * 3 / 15 = 1.2, max = (6 + 3) / 2 = 4.5
        // ARI      = (2 - 1.2) / (4.5 - 1.2) = 0.8 / 3.3 = 8/33
        int[] a = {0, 0, 0, 1, 1, 1};
        int[] b = {0, 0, 1, 1, 2, 2};

        assertThat(AdjustedRandIndex.compute(a, b)).isCloseTo(8.0 / 33, EXACT);
        assertThat(AdjustedRandIndex.compute(b, a)).isCloseTo(8.0 / 33, EXACT);
    }

    @Test
    void shouldMatchTheScikitLearnDocumentationExample() {
        // [0 0 1 1] vs [0 0 1 2]: index = 1, rows = 2, columns = 1, C(4) = 6,
        // expected = 2 / 6 = 1/3, max = 1.5, ARI = (2/3) / (7/6) = 4/7 (sklearn prints 0.57)
        assertThat(AdjustedRandIndex.compute(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2}))
                .isCloseTo(4.0 / 7, EXACT);
    }

    @Test
    void shouldScoreAllTogetherAgainstAllApartZero() {
        // index = 0, rows = 6, columns = 0: expected = 0, max = 3, ARI = 0
        assertThat(AdjustedRandIndex.compute(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3}))
                .isEqualTo(0.0);
    }

    @Test
    void shouldScoreTwoSingleClusterPartitionsOne() {
        assertThat(AdjustedRandIndex.compute(new int[] {3, 3, 3}, new int[] {7, 7, 7}))
                .isEqualTo(1.0);
        assertThat(AdjustedRandIndex.compute(new int[] {0, 1, 2}, new int[] {2, 0, 1}))
                .isEqualTo(1.0);
    }

    @Test
    void shouldScoreRandomLabelsNearZero() {
        Random random = new Random(17);
        int n = 20_000;
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(5);
            b[i] = random.nextInt(5);
        }

        assertThat(AdjustedRandIndex.compute(a, b)).isCloseTo(0.0, Offset.offset(0.005));
    }

    @Test
    void shouldRejectLabelArraysOfDifferentLength() {
        assertThatThrownBy(() -> AdjustedRandIndex.compute(new int[3], new int[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 vs 4");
    }
}

package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    @Test
    void shouldComputeAucAsTheShareOfCorrectlyOrderedPairsWithTiesHalf() {
        double[] scores = {0.1, 0.4, 0.35, 0.8, 0.4};
        boolean[] labels = {false, false, true, true, true};
        // pairs (pos, neg): (0.35,0.1) ok, (0.35,0.4) wrong, (0.8,*) ok ok, (0.4,0.1) ok, (0.4,0.4)
        // tie
        assertThat(BinaryMetrics.auc(scores, labels)).isCloseTo(4.5 / 6, within(1e-12));
    }

    @Test
    void shouldReportPrecisionRecallAndF1PerClass() {
        double[] scores = {0.9, 0.8, 0.2, 0.7, 0.1};
        boolean[] labels = {true, false, true, true, false};

        BinaryMetrics m = BinaryMetrics.of(scores, labels, 0.5);

        assertThat(m.positive().precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.positive().recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.negative().precision()).isCloseTo(0.5, within(1e-12));
        assertThat(m.negative().recall()).isCloseTo(0.5, within(1e-12));
        assertThat(m.accuracy()).isCloseTo(0.6, within(1e-12));
        assertThat(m.positive().support()).isEqualTo(3);
    }
}

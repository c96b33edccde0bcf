package io.segstream.core.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PcaTest {

    @Test
    void shouldFindTheDirectionOfLargestVarianceFirst() {
        // points spread 10x more along (1, 1, 0)/sqrt(2) than along (1, -1, 0)/sqrt(2)
        SplittableRandom r = new SplittableRandom(5);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            double a = 10 * r.nextGaussian();
            double b = r.nextGaussian();
            points.add(
                    new double[] {
                        3 + (a + b) / Math.sqrt(2),
                        -2 + (a - b) / Math.sqrt(2),
                        0.01 * r.nextGaussian()
                    });
        }

        Pca pca = Pca.fit(points, 2);

        assertThat(Math.abs(pca.components()[0][0])).isCloseTo(1 / Math.sqrt(2), within(0.01));
        assertThat(pca.components()[0][0] * pca.components()[0][1]).as("same sign").isPositive();
        assertThat(pca.components()[1][0] * pca.components()[1][1])
                .as("opposite signs")
                .isNegative();
        assertThat(pca.explainedVariance()[0]).isCloseTo(100, within(8.0));
        assertThat(pca.explainedVariance()[1]).isCloseTo(1, within(0.1));
        assertThat(pca.mean()[0]).isCloseTo(3, within(0.5));
        assertThat(pca.project(pca.mean())).containsExactly(new double[] {0, 0}, within(1e-9));
    }

    @Test
    void shouldRefuseMoreComponentsThanTheDataHas() {
        assertThatThrownBy(() -> Pca.fit(List.of(new double[] {1, 2}, new double[] {3, 4}), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..2");
    }
}

package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChurnHeadTest {

    @Test
    void shouldLearnALinearSignalAndIgnoreNoiseInputs() {
        SplittableRandom r = new SplittableRandom(1);
        List<double[]> rows = new ArrayList<>();
        boolean[] labels = new boolean[2000];
        for (int i = 0; i < labels.length; i++) {
            double[] x = new double[30];
            for (int j = 0; j < x.length; j++) {
                x[j] = r.nextGaussian();
            }
            // only the first input matters
            labels[i] = x[0] + 0.5 * r.nextGaussian() > 0;
            rows.add(x);
        }

        ChurnHead head =
                ChurnHead.fit(rows.subList(0, 1500), java.util.Arrays.copyOf(labels, 1500));
        double[] scores = head.scores(rows.subList(1500, 2000));
        boolean[] test = java.util.Arrays.copyOfRange(labels, 1500, 2000);

        double auc = BinaryMetrics.auc(scores, test);
        System.out.println("synthetic head AUC " + auc + " with " + head.regularisation());
        assertThat(auc).isGreaterThan(0.9);
        assertThat(BinaryMetrics.of(scores, test, 0.5).accuracy()).isGreaterThan(0.8);
    }
}

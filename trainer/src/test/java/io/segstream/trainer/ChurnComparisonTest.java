package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.features.BehaviourFeatures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChurnComparisonTest {

    private static final Instant AS_OF = Instant.parse("2011-09-01T00:00:00Z");

    private static final List<String> USERS =
            IntStream.range(0, 4000).mapToObj(i -> Integer.toString(12000 + i)).toList();

    @Test
    void shouldHoldOutAboutThirtyPercentAndADifferentThirtyPercentPerSeed() {
        List<boolean[]> splits = new ArrayList<>();
        for (long seed = 42; seed < 42 + ChurnComparison.SPLITS; seed++) {
            boolean[] held = new boolean[USERS.size()];
            for (int i = 0; i < held.length; i++) {
                held[i] = ChurnEvaluation.held(USERS.get(i), seed);
                assertThat(ChurnEvaluation.held(USERS.get(i), seed))
                        .as("the same seed gives the same split")
                        .isEqualTo(held[i]);
            }
            assertThat(share(held)).isCloseTo(ChurnEvaluation.TEST_SHARE, within(0.03));
            splits.add(held);
        }
        for (int a = 0; a < splits.size(); a++) {
            for (int b = a + 1; b < splits.size(); b++) {
                int both = 0;
                for (int i = 0; i < USERS.size(); i++) {
                    both += splits.get(a)[i] && splits.get(b)[i] ? 1 : 0;
                }
                // independent splits share about 0.3 x 0.3 of the customers in their test sets
                assertThat((double) both / USERS.size())
                        .as("seeds %d and %d", 42 + a, 42 + b)
                        .isCloseTo(0.09, within(0.03));
            }
        }
    }

    @Test
    void shouldEvaluateEverySplitOnItsOwnHeldOutCustomersAndAcrossTime() {
        TrainingSet present = synthetic(1500, 1);
        TrainingSet past = synthetic(1200, 2);

        ChurnComparison c = ChurnComparison.run(present, past, 42, ChurnFeatures.KEPT);

        assertThat(c.splits()).hasSize(ChurnComparison.SPLITS);
        assertThat(c.splits().stream().map(ChurnEvaluation::seed).distinct()).hasSize(10);
        assertThat(c.splits())
                .allSatisfy(
                        e -> {
                            assertThat(e.trainCustomers() + e.testCustomers())
                                    .isEqualTo(present.size());
                            assertThat(e.head().auc()).isGreaterThan(0.7);
                        });
        assertThat(c.splits().stream().map(ChurnEvaluation::testCustomers).distinct().count())
                .as("different customers held out per seed")
                .isGreaterThan(1);
        assertThat(c.head().sd()).isPositive();
        assertThat(c.timeBased().evaluation().trainCustomers()).isEqualTo(past.size());
        assertThat(c.timeBased().evaluation().testCustomers()).isEqualTo(present.size());
        assertThat(c.timeBased().evaluation().head().auc()).isGreaterThan(0.7);
        assertThat(c.verdict().beatsBaseline())
                .isEqualTo(c.lead().mean() > 2 * Math.max(c.head().sd(), c.lead().sd()));
    }

    @Test
    void shouldNotClaimALeadWithinTwoSdOfTheHeadsSpread() {
        double[] baseline = {0.73, 0.75, 0.72, 0.74, 0.76, 0.73, 0.71, 0.75, 0.74, 0.72};
        double[] head = plus(baseline, 0.01);
        head[3] += 0.004; // a little noise in the lead, far less than in the AUC itself

        ChurnComparison.Verdict v = ChurnComparison.Verdict.of(head, baseline);

        assertThat(v.beatsBaseline()).isFalse();
        assertThat(v.sdOf()).isEqualTo("the head's AUC");
        assertThat(v.sd()).isCloseTo(ChurnComparison.Summary.of(head).sd(), within(1e-12));
        assertThat(v.text())
                .contains("does not beat RFM by more than 2 sd")
                .contains("not claimed");
    }

    @Test
    void shouldHoldTheLeadAgainstThePairedSpreadWhenThatIsLarger() {
        // where the head does well the baseline does badly: the lead swings twice as much
        double[] swing = {0.01, -0.01, 0.012, -0.011, 0.01, -0.009, 0.011, -0.01, 0.01, -0.012};
        double[] head = Arrays.stream(swing).map(d -> 0.77 + d).toArray();
        double[] baseline = Arrays.stream(swing).map(d -> 0.74 - d).toArray();

        ChurnComparison.Verdict v = ChurnComparison.Verdict.of(head, baseline);

        assertThat(v.sdOf()).isEqualTo("the paired lead");
        assertThat(v.lead()).isCloseTo(0.03, within(0.001));
        assertThat(v.beatsBaseline())
                .as("a lead of 0.03 would clear twice the head's sd, not the lead's")
                .isFalse();
        assertThat(0.03).isGreaterThan(2 * ChurnComparison.Summary.of(head).sd());
    }

    @Test
    void shouldClaimALeadClearOfTwoSd() {
        double[] baseline = {0.73, 0.735, 0.728, 0.732, 0.731, 0.734, 0.729, 0.733, 0.730, 0.732};
        double[] head = plus(baseline, 0.05);

        ChurnComparison.Verdict v = ChurnComparison.Verdict.of(head, baseline);

        assertThat(v.beatsBaseline()).isTrue();
        assertThat(v.lead()).isCloseTo(0.05, within(1e-9));
        assertThat(v.text()).contains("beats RFM").doesNotContain("not claimed");
    }

    @Test
    void shouldNotClaimAnythingFromASingleSplit() {
        ChurnComparison.Verdict v =
                ChurnComparison.Verdict.of(new double[] {0.9}, new double[] {0.6});

        assertThat(v.beatsBaseline()).isFalse();
    }

    /**
     * Customers whose churn follows their recency (the first behavioural feature) plus noise, with
     * the other inputs random.
     */
    private static TrainingSet synthetic(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> users = new ArrayList<>();
        List<double[]> raw = new ArrayList<>();
        List<OrderHistory> orders = new ArrayList<>();
        boolean[] churned = new boolean[n];
        for (int i = 0; i < n; i++) {
            double[] x = new double[BehaviourFeatures.NAMES.size() + 4];
            for (int j = 0; j < x.length; j++) {
                x[j] = Math.abs(r.nextGaussian()) * 2;
            }
            churned[i] = x[0] + r.nextGaussian() > 2;
            users.add("u" + seed + "-" + i);
            raw.add(x);
            orders.add(OrderHistory.NONE);
        }
        return new TrainingSet(
                users,
                List.of(),
                raw,
                churned,
                Map.of(),
                orders,
                AS_OF.minus(Duration.ofDays(300)),
                AS_OF,
                Duration.ofDays(90));
    }

    private static double[] plus(double[] v, double d) {
        return Arrays.stream(v).map(x -> x + d).toArray();
    }

    private static double share(boolean[] held) {
        int n = 0;
        for (boolean h : held) {
            n += h ? 1 : 0;
        }
        return (double) n / held.length;
    }
}

package io.segstream.trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The churn head against the RFM baseline over repeated customer splits, with a time-based check
 * and a verdict: one split of ~750 test customers moves the AUC by about as much as the head leads
 * by, so a lead is claimed only when it stands clear of the split-to-split spread.
 *
 * @param features the head's feature groups beyond the behavioural features and overdue ratio
 * @param head the head's test AUC over the splits
 * @param baseline the baseline's test AUC over the splits
 * @param lead head minus baseline AUC, paired per split
 * @param timeBased trained at an earlier cut, tested at this one; null where there was none
 * @param verdict whether the head beats the baseline, and why
 * @param splits each split's evaluation
 */
public record ChurnComparison(
        List<String> features,
        Summary head,
        Summary baseline,
        Summary lead,
        TimeBased timeBased,
        Verdict verdict,
        List<ChurnEvaluation> splits) {

    /** How many customer splits the head and the baseline are compared on. */
    static final int SPLITS = 10;

    /** Mean, sample standard deviation, minimum and maximum of a figure over the splits. */
    public record Summary(double mean, double sd, double min, double max) {
        public static Summary of(double[] v) {
            double mean = Arrays.stream(v).average().orElse(Double.NaN);
            double ss = 0;
            for (double x : v) {
                ss += (x - mean) * (x - mean);
            }
            return new Summary(
                    mean,
                    v.length < 2 ? Double.NaN : Math.sqrt(ss / (v.length - 1)),
                    Arrays.stream(v).min().orElse(Double.NaN),
                    Arrays.stream(v).max().orElse(Double.NaN));
        }
    }

    /**
     * The head and the baseline trained as of {@code trainAsOf} (labels up to {@code testAsOf}) and
     * tested as of {@code testAsOf} on the horizon after it.
     */
    public record TimeBased(String trainAsOf, String testAsOf, ChurnEvaluation evaluation) {}

    /**
     * The head beats the baseline only if its mean lead is more than twice the larger of the sd of
     * its AUC and the sd of the paired lead.
     *
     * @param beatsBaseline whether the lead is claimed
     * @param lead the mean paired lead
     * @param sd the sd the lead is held against
     * @param sdOf which sd that is
     * @param text the verdict in words
     */
    public record Verdict(boolean beatsBaseline, double lead, double sd, String sdOf, String text) {

        static Verdict of(double[] headAuc, double[] baselineAuc) {
            return of(headAuc, baselineAuc, "RFM", "splits");
        }

        /** {@code baseline} names the baseline, {@code over} what the runs are (splits, folds). */
        public static Verdict of(
                double[] headAuc, double[] baselineAuc, String baseline, String over) {
            double[] lead = new double[headAuc.length];
            for (int i = 0; i < lead.length; i++) {
                lead[i] = headAuc[i] - baselineAuc[i];
            }
            Summary h = Summary.of(headAuc);
            Summary l = Summary.of(lead);
            boolean headLarger = !(l.sd() > h.sd());
            double sd = headLarger ? h.sd() : l.sd();
            String sdOf = headLarger ? "the head's AUC" : "the paired lead";
            // with one split there is no spread to hold the lead against: nothing is claimed
            boolean beats = Double.isFinite(sd) && l.mean() > 2 * sd;
            String text =
                    beats
                            ? String.format(
                                    Locale.ROOT,
                                    "the head beats %s: mean lead %+.3f > 2 x %.3f (sd of %s over %d %s)",
                                    baseline,
                                    l.mean(),
                                    sd,
                                    sdOf,
                                    lead.length,
                                    over)
                            : String.format(
                                    Locale.ROOT,
                                    "the head does not beat %s by more than 2 sd (mean lead %+.3f, 2 x %.3f = %.3f, sd of %s over %d %s): not claimed",
                                    baseline,
                                    l.mean(),
                                    sd,
                                    2 * sd,
                                    sdOf,
                                    lead.length,
                                    over);
            return new Verdict(beats, l.mean(), sd, sdOf, text);
        }
    }

    /**
     * Compares on {@link #SPLITS} customer splits (seeds {@code seed}, {@code seed + 1}, ...) and,
     * where {@code past} is given, across time.
     */
    static ChurnComparison run(
            TrainingSet set, TrainingSet past, long seed, Set<ChurnFeatures.Group> groups) {
        return run(set, past, seed, SPLITS, groups);
    }

    static ChurnComparison run(
            TrainingSet set,
            TrainingSet past,
            long seed,
            int splits,
            Set<ChurnFeatures.Group> groups) {
        List<ChurnEvaluation> evaluations = new ArrayList<>();
        double[] head = new double[splits];
        double[] baseline = new double[splits];
        double[] lead = new double[splits];
        for (int i = 0; i < splits; i++) {
            ChurnEvaluation e = ChurnEvaluation.run(set, seed + i, groups);
            evaluations.add(e);
            head[i] = e.head().auc();
            baseline[i] = e.baseline().auc();
            lead[i] = head[i] - baseline[i];
        }
        TimeBased timeBased =
                past == null || !bothClasses(past) || !bothClasses(set)
                        ? null
                        : new TimeBased(
                                past.asOf().toString(),
                                set.asOf().toString(),
                                ChurnEvaluation.acrossTime(past, set, groups));
        return new ChurnComparison(
                groups.stream().map(g -> g.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                Summary.of(head),
                Summary.of(baseline),
                Summary.of(lead),
                timeBased,
                Verdict.of(head, baseline),
                List.copyOf(evaluations));
    }

    /** A classifier needs churned and staying customers both to learn and to be scored. */
    private static boolean bothClasses(TrainingSet set) {
        int churned = 0;
        for (boolean c : set.churned()) {
            churned += c ? 1 : 0;
        }
        return churned > 0 && churned < set.size();
    }

    /** The share of churned customers, over everyone in the splits' test sets. */
    public double churnRate() {
        return splits.stream().mapToDouble(ChurnEvaluation::churnRate).average().orElse(Double.NaN);
    }
}

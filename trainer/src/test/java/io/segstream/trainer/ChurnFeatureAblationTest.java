package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.encoder.CachingTextEncoder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The measurement behind {@link ChurnFeatures#KEPT}: each feature group added to the behavioural
 * head, and taken out of the head with all of them, over the repeated splits of the dev slice. A
 * measurement rather than a check (about a minute), so it runs only when asked: {@code
 * -Dchurn.ablation=true}.
 */
@EnabledIfSystemProperty(named = "churn.ablation", matches = "true")
class ChurnFeatureAblationTest {

    @Test
    void shouldMeasureEachFeatureGroupOverTheRepeatedSplits() {
        try (CachingTextEncoder encoder = DevData.encoder()) {
            TrainingSet set = DevData.set(encoder, DevData.events());
            TrainingSet past = DevData.past(encoder, DevData.events());
            Map<String, Set<ChurnFeatures.Group>> configs = new LinkedHashMap<>();
            configs.put("behaviour + overdue", EnumSet.noneOf(ChurnFeatures.Group.class));
            for (ChurnFeatures.Group g : ChurnFeatures.Group.values()) {
                configs.put("  + " + g, EnumSet.of(g));
            }
            configs.put("all groups", EnumSet.allOf(ChurnFeatures.Group.class));
            for (ChurnFeatures.Group g : ChurnFeatures.Group.values()) {
                Set<ChurnFeatures.Group> without = EnumSet.allOf(ChurnFeatures.Group.class);
                without.remove(g);
                configs.put("  all - " + g, without);
            }
            configs.put("kept " + ChurnFeatures.KEPT, ChurnFeatures.KEPT);
            List<String> lines = new ArrayList<>();
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-42s %15s %15s %15s %16s %9s %9s",
                            "features",
                            "head AUC",
                            "RFM AUC",
                            "lead",
                            "gain vs first",
                            "time head",
                            "time RFM"));
            ChurnComparison base = null;
            for (Map.Entry<String, Set<ChurnFeatures.Group>> c : configs.entrySet()) {
                ChurnComparison r = ChurnComparison.run(set, past, 42, c.getValue());
                base = base == null ? r : base;
                // paired per split against the behavioural head: the split's noise cancels
                double[] gain = new double[r.splits().size()];
                for (int i = 0; i < gain.length; i++) {
                    gain[i] = r.splits().get(i).head().auc() - base.splits().get(i).head().auc();
                }
                ChurnComparison.Summary g = ChurnComparison.Summary.of(gain);
                String line =
                        String.format(
                                Locale.ROOT,
                                "%-42s %.3f ± %.3f   %.3f ± %.3f   %+.3f ± %.3f   %+.4f ± %.4f   %.3f     %.3f",
                                c.getKey(),
                                r.head().mean(),
                                r.head().sd(),
                                r.baseline().mean(),
                                r.baseline().sd(),
                                r.lead().mean(),
                                r.lead().sd(),
                                g.mean(),
                                g.sd(),
                                r.timeBased().evaluation().head().auc(),
                                r.timeBased().evaluation().baseline().auc());
                System.out.println(line);
                lines.add(line);
                assertThat(r.splits()).hasSize(ChurnComparison.SPLITS);
            }
            lines.add(bgNbdAlone(set));
            System.out.println(String.join(System.lineSeparator(), lines));
        }
    }

    /** The BG/NBD expected count on its own as a score (fewer purchases expected: churn). */
    private static String bgNbdAlone(TrainingSet set) {
        double[] auc = new double[ChurnComparison.SPLITS];
        long cut = set.asOf().toEpochMilli();
        double weeks = set.horizon().toDays() / 7.0;
        for (int s = 0; s < auc.length; s++) {
            long seed = 42 + s;
            List<BgNbd.Customer> train = new ArrayList<>();
            List<Double> scores = new ArrayList<>();
            List<Boolean> labels = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) {
                BgNbd.Customer c = ChurnFeatures.customer(set.orders().get(i), cut);
                if (c != null && !ChurnEvaluation.held(set.users().get(i), seed)) {
                    train.add(c);
                }
            }
            BgNbd fit = BgNbd.fit(train);
            for (int i = 0; i < set.size(); i++) {
                BgNbd.Customer c = ChurnFeatures.customer(set.orders().get(i), cut);
                if (c != null && ChurnEvaluation.held(set.users().get(i), seed)) {
                    scores.add(-fit.expectedPurchases(weeks, c));
                    labels.add(set.churned()[i]);
                }
            }
            boolean[] y = new boolean[labels.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.get(i);
            }
            auc[s] = BinaryMetrics.auc(scores.stream().mapToDouble(d -> d).toArray(), y);
            if (s == 0) {
                System.out.println("BG/NBD fit on the training customers of split 42: " + fit);
            }
        }
        ChurnComparison.Summary a = ChurnComparison.Summary.of(auc);
        return String.format(
                Locale.ROOT, "%-42s %.3f ± %.3f", "BG/NBD expected count alone", a.mean(), a.sd());
    }
}

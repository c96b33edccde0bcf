package io.segstream.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.segstream.schemas.SegmentModel;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** The evaluation report of a training run, as text for people and JSON for tools. */
public record TrainingReport(
        long modelVersion,
        int majorVersion,
        String dataFrom,
        String asOf,
        int users,
        int k,
        KSelection.Choice kChoice,
        ClusterQuality quality,
        double bootstrapStability,
        Lineage lineage,
        List<SegmentExplanation> segments,
        ChurnComparison churn) {

    static TrainingReport of(
            TrainingSet set,
            SegmentModel model,
            KSelection.Choice choice,
            ClusterQuality quality,
            double stability,
            Lineage lineage,
            List<SegmentExplanation> segments,
            ChurnComparison churn) {
        return new TrainingReport(
                model.getVersion(),
                model.getMajorVersion(),
                set.dataFrom().toString(),
                set.asOf().toString(),
                set.size(),
                model.getK(),
                choice,
                quality,
                stability,
                lineage,
                segments,
                churn);
    }

    public String toJson() {
        try {
            return new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text() {
        StringBuilder s = new StringBuilder();
        s.append(
                f(
                        "model v%d (major %d): %d segments from %,d users, events %s .. %s%n",
                        modelVersion, majorVersion, k, users, dataFrom, asOf));
        if (kChoice != null) {
            s.append(
                    f(
                            "%nchoice of k:%n  %4s %10s %10s %12s%n",
                            "k", "silhouette", "stability", "inertia"));
            kChoice.candidates()
                    .forEach(
                            c ->
                                    s.append(
                                            f(
                                                    "  %4d %10.3f %10.3f %12.1f%n",
                                                    c.k(),
                                                    c.silhouette(),
                                                    c.stability(),
                                                    c.inertia())));
            s.append("  ").append(kChoice.reason()).append(System.lineSeparator());
        }
        s.append(
                f(
                        "%nquality: silhouette %.3f, Davies-Bouldin %.3f, Calinski-Harabasz %.1f, inertia %.1f, bootstrap stability (ARI) %.3f%n",
                        quality.silhouette(),
                        quality.daviesBouldin(),
                        quality.calinskiHarabasz(),
                        quality.inertia(),
                        bootstrapStability));
        s.append(f("%nsegments:%n"));
        for (SegmentExplanation e : segments) {
            s.append(
                    f(
                            "  %-3d %6d users (%4.1f%%)  %s%n",
                            e.segmentId(), e.size(), 100.0 * e.size() / users, e.name()));
            s.append("        ").append(e.summary()).append(System.lineSeparator());
        }
        if (lineage != null) {
            s.append(
                    f(
                            "%nids kept from the previous model: %.1f%% of users keep their segment id; kept %s, split %s, merged %s, born %s, died %s%n",
                            100 * lineage.sameId(),
                            lineage.kept(),
                            lineage.split(),
                            lineage.merged(),
                            lineage.born(),
                            lineage.died()));
        }
        if (churn != null) {
            churnText(s);
        }
        return s.toString();
    }

    private void churnText(StringBuilder s) {
        ChurnEvaluation first = churn.splits().get(0);
        s.append(
                f(
                        "%nchurn head: behaviour (without return_rate) + overdue ratio%s, against recency/frequency/monetary alone (logistic regression, liblinear).%nlabel: no order in the horizon (%.1f%% churned); %d customer splits (seeds %d..%d), each trained on ~%,d customers and tested on ~%,d others:%n",
                        churn.features().isEmpty()
                                ? " (text, BG/NBD, trends, seasonality, returns measured and left out)"
                                : " + " + String.join(" + ", churn.features()),
                        100 * churn.churnRate(),
                        churn.splits().size(),
                        first.seed(),
                        churn.splits().get(churn.splits().size() - 1).seed(),
                        first.trainCustomers(),
                        first.testCustomers()));
        s.append(f("  %-24s %14s %7s %7s%n", "AUC over the splits", "mean ± sd", "min", "max"));
        summary(s, "head", churn.head(), "%6.3f");
        summary(s, "RFM baseline", churn.baseline(), "%6.3f");
        summary(s, "lead (head - RFM)", churn.lead(), "%+6.3f");
        if (churn.timeBased() != null) {
            ChurnEvaluation t = churn.timeBased().evaluation();
            s.append(
                    f(
                            "time-based check: trained as of %s (%,d customers, labels up to %s), tested as of %s (%,d customers, %.1f%% churned):%n  head %.3f, RFM baseline %.3f, lead %+.3f%n",
                            churn.timeBased().trainAsOf(),
                            t.trainCustomers(),
                            churn.timeBased().testAsOf(),
                            churn.timeBased().testAsOf(),
                            t.testCustomers(),
                            100 * t.churnRate(),
                            t.head().auc(),
                            t.baseline().auc(),
                            t.head().auc() - t.baseline().auc()));
        }
        s.append("verdict: ").append(churn.verdict().text()).append(System.lineSeparator());
        s.append(
                f(
                        "split seed %d in detail (churned = positive class):%n  %-34s %6s %9s %9s %9s %9s %9s %9s%n",
                        first.seed(),
                        "",
                        "AUC",
                        "prec(ch)",
                        "rec(ch)",
                        "F1(ch)",
                        "prec(st)",
                        "rec(st)",
                        "F1(st)"));
        row(s, "head (" + first.headRegularisation() + ")", first.head());
        row(s, "RFM baseline (" + first.baselineRegularisation() + ")", first.baseline());
    }

    private static void summary(
            StringBuilder s, String name, ChurnComparison.Summary m, String number) {
        s.append(
                f(
                        "  %-24s " + number + " ± %5.3f " + number + " " + number + "%n",
                        name,
                        m.mean(),
                        m.sd(),
                        m.min(),
                        m.max()));
    }

    private static void row(StringBuilder s, String name, BinaryMetrics m) {
        s.append(
                f(
                        "  %-34s %6.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n",
                        name,
                        m.auc(),
                        m.positive().precision(),
                        m.positive().recall(),
                        m.positive().f1(),
                        m.negative().precision(),
                        m.negative().recall(),
                        m.negative().f1()));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderStatus;
import io.segstream.schemas.SegmentModel;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trainer on the real dev slice, cut at 2011-09-01 with a 90-day churn horizon. */
class TrainerTest {

    private static CachingTextEncoder encoder;
    private static TrainingSet set;
    private static TrainingSet past;
    private static Trainer.Result first;

    @BeforeAll
    static void train() {
        encoder = DevData.encoder();
        set = DevData.set(encoder, DevData.events());
        past = DevData.past(encoder, DevData.events());
        first = DevData.trainer(encoder).train(set, past, TrainerSettings.defaults());
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void shouldNeverLookPastTheCut() {
        assertThat(set.profiles())
                .allSatisfy(
                        p ->
                                assertThat(p.lastEventTime())
                                        .isLessThanOrEqualTo(DevData.AS_OF.toEpochMilli()));
        long after =
                DevData.events().stream()
                        .filter(e -> e.time() > DevData.AS_OF.toEpochMilli())
                        .count();
        assertThat(after).as("the data goes on after the cut").isPositive();
        long placedBefore =
                DevData.events().stream()
                        .filter(e -> e.time() <= DevData.AS_OF.toEpochMilli())
                        .filter(
                                e ->
                                        e.event() instanceof OrderEvent o
                                                && o.getStatus() == OrderStatus.PLACED)
                        .count();
        assertThat(set.orders().stream().mapToLong(OrderHistory::size).sum())
                .as("every order before the cut is in a customer's history, none after")
                .isEqualTo(placedBefore);
        long cut = DevData.AS_OF.toEpochMilli();
        assertThat(set.orders())
                .allSatisfy(
                        h -> {
                            assertThat(h.times()).isSorted();
                            assertThat(Arrays.stream(h.times()).max().orElse(cut))
                                    .isLessThanOrEqualTo(cut);
                        });
    }

    @Test
    void shouldWriteAModelWithProvenanceAndExplainedSegments() {
        SegmentModel model = first.model();
        assertThat(model.getOrigin()).isEqualTo(ModelOrigin.TRAINER);
        assertThat(model.getK()).isEqualTo(6);
        assertThat(model.getProvenance().getDataTo()).isEqualTo(DevData.AS_OF);
        assertThat(model.getProvenance().getSeed()).isEqualTo(42L);
        assertThat(model.getProvenance().getMetrics())
                .containsKeys(
                        "silhouette",
                        "daviesBouldin",
                        "calinskiHarabasz",
                        "inertia",
                        "bootstrapStability",
                        "churnAuc");
        assertThat(model.getTextEncoder().getSha256()).hasSize(64);
        assertThat(model.getCentroids())
                .allSatisfy(
                        c -> {
                            assertThat(c.getName()).isNotBlank();
                            assertThat(c.getExplanation()).contains("nearest titles");
                        });
        TrainingReport report = first.report();
        assertThat(report.segments().stream().mapToLong(SegmentExplanation::size).sum())
                .isEqualTo(set.size());
        assertThat(report.quality().silhouette()).isBetween(0.0, 1.0);
        assertThat(report.bootstrapStability()).isBetween(0.5, 1.0);
        assertThat(report.text()).contains("Davies-Bouldin").contains("RFM baseline");
        assertThat(report.toJson()).contains("\"calinskiHarabasz\"").contains("\"auc\"");
    }

    @Test
    void shouldCompareTheChurnHeadWithTheRfmBaselineOnRepeatedSplitsAndAcrossTime() {
        ChurnComparison churn = first.report().churn();
        System.out.println(first.report().text().substring(first.report().text().indexOf("churn")));
        assertThat(churn.splits()).hasSize(ChurnComparison.SPLITS);
        assertThat(churn.splits())
                .allSatisfy(
                        e -> {
                            assertThat(e.testCustomers() + e.trainCustomers())
                                    .isEqualTo(set.size());
                            assertThat(e.baseline().auc()).isGreaterThan(0.7);
                        });
        assertThat(churn.churnRate()).isBetween(0.2, 0.8);
        assertThat(churn.head().sd()).isPositive();
        assertThat(churn.timeBased().trainAsOf()).isEqualTo(past.asOf().toString());
        assertThat(churn.timeBased().evaluation().trainCustomers()).isEqualTo(past.size());
        assertThat(churn.timeBased().evaluation().testCustomers()).isEqualTo(set.size());
        assertThat(churn.timeBased().evaluation().baseline().auc()).isGreaterThan(0.6);
        // the claim in the report and in the model follows the rule, whichever way it goes
        boolean clear = churn.lead().mean() > 2 * Math.max(churn.head().sd(), churn.lead().sd());
        assertThat(churn.verdict().beatsBaseline()).isEqualTo(clear);
        assertThat(first.report().text()).contains(clear ? "beats RFM" : "not claimed");
        assertThat(first.model().getProvenance().getMetrics().get("churnBeatsBaseline"))
                .isEqualTo(clear ? 1.0 : 0.0);
        assertThat(first.model().getProvenance().getMetrics().get("churnAuc"))
                .isEqualTo(churn.head().mean());
    }

    @Test
    void shouldKeepSegmentIdsWhenRefittingWithAnotherSeed() {
        TrainerSettings again = TrainerSettings.defaults().withSeed(7).withPrevious(first.model());

        Trainer.Result second = DevData.trainer(encoder).train(set, again);

        long same = 0;
        for (int i = 0; i < set.size(); i++) {
            same += first.segments()[i] == second.segments()[i] ? 1 : 0;
        }
        double share = (double) same / set.size();
        System.out.printf(
                Locale.ROOT,
                "re-fit with seed 7: %.1f%% of users keep their segment id%n",
                100 * share);
        assertThat(share).isGreaterThanOrEqualTo(0.9);
        assertThat(second.report().lineage().sameId()).isGreaterThanOrEqualTo(0.9);
        assertThat(second.model().getMajorVersion()).isEqualTo(first.model().getMajorVersion() + 1);
        assertThat(second.model().getParentVersion()).isEqualTo(first.model().getVersion());
        assertThat(Arrays.stream(second.segments()).distinct().sorted().toArray())
                .containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void shouldStoreATextProjectionThatScoringApplies() {
        Trainer.Result projected =
                DevData.trainer(encoder)
                        .train(
                                set,
                                TrainerSettings.defaults()
                                        .withTextComponents(16)
                                        .withPrevious(first.model()));

        SegmentModel model = projected.model();
        assertThat(model.getProjection().getInputDimension()).isEqualTo(384);
        assertThat(model.getProjection().getOutputDimension()).isEqualTo(16);
        assertThat(model.getCentroids())
                .allSatisfy(
                        c ->
                                assertThat(c.getVector())
                                        .hasSize(BehaviourFeatures.NAMES.size() + 16));
        assertThat(projected.points().get(0)).hasSize(BehaviourFeatures.NAMES.size() + 16);
        assertThat(projected.vectorizer().names()).endsWith("text_pc_15");
        var scoring =
                io.segstream.core.model.ScoringModel.of(
                        model,
                        io.segstream.core.profile.ProfileSettings.defaults(),
                        "all-minilm-l6-v2-q",
                        384);
        var nearest = new io.segstream.core.clustering.NearestCentroid(0);
        for (int i = 0; i < set.size(); i += 50) {
            double[] x =
                    scoring.vectorizer()
                            .vectorize(set.profiles().get(i), DevData.AS_OF.toEpochMilli());
            assertThat(x)
                    .containsExactly(
                            projected.points().get(i),
                            org.assertj.core.api.Assertions.within(1e-9));
            assertThat(nearest.assign(x, scoring.clusters(), null).segmentId())
                    .isEqualTo(projected.segments()[i]);
        }
    }

    @Test
    void shouldPickKAndExplainThePick() {
        var choice = KSelection.choose(first.points(), 2, 5, 2, 3, 42);

        assertThat(choice.candidates())
                .extracting(KSelection.Candidate::k)
                .containsExactly(2, 3, 4, 5);
        assertThat(choice.k()).isBetween(2, 5);
        assertThat(choice.reason())
                .contains("k=" + choice.k())
                .contains("silhouette")
                .contains("stability");
    }
}

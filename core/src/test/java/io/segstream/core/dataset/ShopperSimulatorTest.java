package io.segstream.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segstream.core.clustering.AdjustedRandIndex;
import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.clustering.KMeansPlusPlus;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewEvent;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShopperSimulatorTest {

    private final ShopperSimulator simulator = ShopperSimulator.withDefaults();

    @Test
    void shouldGenerateTheSameEventsFromTheSameSeed() {
        var a = simulator.simulate(200, 7);
        var b = simulator.simulate(200, 7);
        var c = simulator.simulate(200, 8);

        assertThat(a.events()).isEqualTo(b.events());
        assertThat(a.personas()).isEqualTo(b.personas());
        assertThat(c.events()).isNotEqualTo(a.events());
    }

    @Test
    void shouldEmitEventsInEventTimeOrderInsideTheWindow() {
        var sim = simulator.simulate(300, 1);
        long end = ShopperSimulator.DEFAULT_END.toEpochMilli();
        long start = end - ShopperSimulator.DEFAULT_WINDOW.toMillis();

        for (int i = 1; i < sim.events().size(); i++) {
            assertThat(sim.events().get(i).time())
                    .isGreaterThanOrEqualTo(sim.events().get(i - 1).time());
        }
        assertThat(sim.events())
                .allSatisfy(e -> assertThat(e.time()).isBetween(start, end + 3_600_000));
        assertThat(sim.personas()).hasSize(300);
        assertThat(sim.events().stream().map(ShopEvent::userId).distinct().count()).isEqualTo(300);
    }

    @Test
    void shouldPlantPersonasThatBehaveDifferently() {
        var sim = simulator.simulate(1000, 3);
        Map<Persona, double[]> perPersona = new EnumMap<>(Persona.class); // orders, views, spend
        for (var e : sim.events()) {
            double[] t =
                    perPersona.computeIfAbsent(sim.personas().get(e.userId()), p -> new double[3]);
            if (e.event() instanceof OrderEvent o) {
                t[0]++;
                t[2] +=
                        o.getLines().stream()
                                .mapToDouble(l -> l.getQuantity() * l.getUnitPrice())
                                .sum();
            } else if (((ClickEvent) e.event()).getEventType().name().equals("VIEW")) {
                t[1]++;
            }
        }
        double[] window = perPersona.get(Persona.WINDOW_SHOPPER);
        double[] loyal = perPersona.get(Persona.LOYAL_HIGH_SPENDER);
        double[] bargain = perPersona.get(Persona.BARGAIN_HUNTER);
        assertThat(window[0]).as("window shoppers never order").isZero();
        assertThat(window[1]).as("window shoppers view most").isGreaterThan(loyal[1]);
        assertThat(loyal[2] / loyal[0])
                .as("order value")
                .isGreaterThan(20 * bargain[2] / bargain[0]);
        assertThat(perPersona).hasSize(Persona.values().length);
    }

    @Test
    void shouldPlantPersonasThatOfflineKMeansRecovers() {
        var sim = simulator.simulate(600, 11);
        long asOf = ShopperSimulator.DEFAULT_END.toEpochMilli();
        try (var encoder = CachingTextEncoder.open(EncoderConfig.defaults())) {
            ProfileSettings settings = ProfileSettings.defaults();
            Map<String, UserProfile> profiles =
                    new ProfileBuilder(settings, encoder)
                            .replay(sim.events().stream().map(ShopEvent::event).toList());
            List<double[]> raw = new ArrayList<>();
            int[] planted = new int[profiles.size()];
            int i = 0;
            for (var p : profiles.entrySet()) {
                raw.add(FeatureVectorizer.raw(p.getValue(), asOf, settings, encoder.dimension()));
                planted[i++] = sim.personas().get(p.getKey()).ordinal();
            }
            FeatureSpec spec = FeatureSpec.fit(raw, 0.5, encoder.dimension());
            FeatureVectorizer vectorizer = new FeatureVectorizer(spec, settings);
            KMeansFit fit =
                    KMeansPlusPlus.fit(
                            raw.stream().map(vectorizer::scale).toList(),
                            Persona.values().length,
                            5,
                            1);

            double ari = AdjustedRandIndex.compute(planted, fit.labels());
            System.out.printf("offline k-means vs planted personas: ARI %.3f%n", ari);
            assertThat(ari).isGreaterThan(0.85);
        }
    }

    @Test
    void shouldRefuseAnEmptySimulation() {
        assertThatThrownBy(() -> simulator.simulate(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one user");
    }

    @Test
    void shouldAddReviewsAfterOrdersWithoutChangingTheClicksAndOrders() {
        var plain = simulator.simulate(600, 5);
        var reviewed = simulator.withReviews(ReviewTexts.builtIn()).simulate(600, 5);
        List<ShopEvent> reviews = reviewed.events().stream().filter(ShopEvent::isReview).toList();
        assertThat(reviewed.events().stream().filter(e -> !e.isReview()).toList())
                .isEqualTo(plain.events());
        assertThat(reviews).hasSizeGreaterThan(100);
        Map<String, Long> firstOrder = new java.util.HashMap<>();
        plain.events().stream()
                .filter(ShopEvent::isOrder)
                .forEach(e -> firstOrder.merge(e.userId(), e.time(), Math::min));
        Map<Persona, int[]> unhappy = new EnumMap<>(Persona.class); // unhappy, all
        for (ShopEvent e : reviews) {
            ReviewEvent r = (ReviewEvent) e.event();
            assertThat(e.time()).isGreaterThan(firstOrder.get(e.userId()));
            assertThat(e.time()).isLessThan(ShopperSimulator.DEFAULT_END.toEpochMilli());
            int[] n = unhappy.computeIfAbsent(reviewed.personas().get(e.userId()), p -> new int[2]);
            n[0] += r.getRating() <= 2 ? 1 : 0;
            n[1]++;
        }
        assertThat(unhappy).doesNotContainKey(Persona.WINDOW_SHOPPER);
        int[] lapsing = unhappy.get(Persona.LAPSING_CUSTOMER);
        int[] loyal = unhappy.get(Persona.LOYAL_HIGH_SPENDER);
        assertThat((double) lapsing[0] / lapsing[1]).isGreaterThan(0.6);
        assertThat((double) loyal[0] / loyal[1]).isLessThan(0.2);
    }
}

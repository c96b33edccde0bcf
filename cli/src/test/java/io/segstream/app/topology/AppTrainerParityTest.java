package io.segstream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.trainer.TrainingSet;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming app and the trainer, given the same events, hold the same profiles and compute the
 * same feature vectors, bit for bit: both run the core's one path from event to profile and keep
 * the profile as the app's store does.
 */
class AppTrainerParityTest {

    @TempDir Path stateDir;

    @Test
    void shouldBuildIdenticalFeatureVectorsInTheAppAndTheTrainer() {
        // clicks, searches, carts, orders and returns of 60 generated shoppers
        List<ShopEvent> events = ShopperSimulator.withDefaults().simulate(60, 5).events();
        long asOf = events.get(events.size() - 1).time();
        try (CachingTextEncoder encoder = CachingTextEncoder.open(EncoderConfig.defaults());
                TopologyHarness app =
                        new TopologyHarness(
                                encoder,
                                stateDir,
                                // no model (profiles only), and the harness's clock is in 2011
                                Map.of(
                                        SegstreamConfig.SEED_USERS_CONFIG,
                                        1000,
                                        SegstreamConfig.MAX_FUTURE_MS_CONFIG,
                                        Long.MAX_VALUE / 2))) {
            for (ShopEvent e : events) {
                if (e.event() instanceof OrderEvent o) {
                    app.orders.pipeInput(e.userId(), o, e.time());
                } else {
                    app.clicks.pipeInput(e.userId(), (ClickEvent) e.event(), e.time());
                }
            }
            TrainingSet trainer =
                    TrainingSet.of(
                            events,
                            Instant.ofEpochMilli(asOf),
                            null,
                            new ProfileBuilder(app.config.profileSettings(), encoder),
                            encoder.dimension(),
                            n -> {});

            assertThat(trainer.size()).isEqualTo(60);
            assertThat(app.dlqRecords()).isEmpty();
            for (int i = 0; i < trainer.size(); i++) {
                UserProfile stored = app.profiles().get(trainer.users().get(i));
                double[] appVector =
                        FeatureVectorizer.raw(
                                stored, asOf, app.config.profileSettings(), encoder.dimension());
                assertThat(appVector)
                        .as(trainer.users().get(i))
                        .containsExactly(trainer.raw().get(i));
            }
        }
    }
}

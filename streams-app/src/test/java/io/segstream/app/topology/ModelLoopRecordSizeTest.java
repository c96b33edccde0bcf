package io.segstream.app.topology;

import static io.segstream.app.topology.TopologyHarness.T0;
import static io.segstream.app.topology.TopologyHarness.line;
import static io.segstream.app.topology.TopologyHarness.order;
import static io.segstream.app.topology.TopologyHarness.view;
import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.serde.AvroSerde;
import io.segstream.core.clustering.Cluster;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.model.SegmentModels;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentModel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every record of the model loop stays far below the producer's {@code max.request.size} whatever
 * the population: 100,000 users with the production settings of the loop (500 seed users, flushes
 * of 1,000 assignments, a re-fit panel of 5 %).
 */
class ModelLoopRecordSizeTest {

    private static final int USERS = 100_000;
    private static final int MAX_REQUEST_SIZE =
            (Integer) ProducerConfig.configDef().defaultValues().get("max.request.size");

    private static final List<String> TITLES =
            List.of(
                    "Red retrospot mug",
                    "Jumbo bag red retrospot",
                    "White hanging heart t-light holder",
                    "Set of 6 ribbons vintage christmas",
                    "Lunch bag black skull",
                    "Wooden picture frame white finish",
                    "Assorted colour bird ornament",
                    "Glass star frosted t-light holder",
                    "Hand warmer union jack",
                    "Alarm clock bakelike red");

    private static CachingTextEncoder encoder;
    private static EncoderInfo info;

    @TempDir Path stateDir;

    @BeforeAll
    static void openEncoder() {
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
        info = TopologyHarness.encoderInfo(encoder);
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    void shouldKeepEveryModelLoopRecordFarBelowTheMaxRequestSizeWith100kUsers() {
        Map<String, Object> loop = new HashMap<>();
        // the defaults of a real deployment, not the harness's small ones
        for (String key :
                List.of(
                        SegstreamConfig.SEGMENTS_K_CONFIG,
                        SegstreamConfig.SEED_USERS_CONFIG,
                        SegstreamConfig.FLUSH_RECORDS_CONFIG,
                        SegstreamConfig.REFIT_EVERY_CONFIG)) {
            loop.put(key, SegstreamConfig.CONFIG.defaultValues().get(key));
        }
        loop.put(SegstreamConfig.SEED_WARMUP_MS_CONFIG, Duration.ofHours(12).toMillis());
        loop.put(SegstreamConfig.REFIT_EVERY_CONFIG, 50_000L);
        List<Integer> deltaSizes = new ArrayList<>();
        List<Integer> modelSizes = new ArrayList<>();
        int seedSamples = 0;
        int seedRecords = 0;
        int panelProfiles = 0;
        try (TopologyHarness h = new TopologyHarness(encoder, stateDir, loop)) {
            TestOutputTopic<String, byte[]> deltas =
                    h.driver.createOutputTopic(
                            h.topics.centroidDeltas(),
                            new StringDeserializer(),
                            new ByteArrayDeserializer());
            Random random = new Random(11);
            for (int i = 0; i < USERS; i++) {
                String user = "user-" + i;
                Instant t = T0.plusSeconds(2L * i);
                String title = TITLES.get(random.nextInt(TITLES.size()));
                h.clicks.pipeInput(user, view(user, t, title, "Home", 1 + random.nextInt(20)));
                if (random.nextInt(3) == 0) {
                    h.orders.pipeInput(user, order(user, t.plusSeconds(1), line(title, 1, 2.5)));
                }
                if (i % 5_000 == 0) {
                    h.driver.advanceWallClockTime(Duration.ofSeconds(1));
                }
            }
            for (TestRecord<String, byte[]> r : deltas.readRecordsToList()) {
                deltaSizes.add(r.value().length);
                CentroidDelta d =
                        AvroSerde.of(CentroidDelta.class).deserializer().deserialize("", r.value());
                if (!d.getSeedSamples().isEmpty()) {
                    seedRecords++;
                    seedSamples += d.getSeedSamples().size();
                }
                panelProfiles += d.getPanelProfiles().size();
            }
            h.modelOut.readValuesToList().forEach(m -> modelSizes.add(m.length));
        }
        int largestDelta = deltaSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        int largestModel = modelSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        System.out.printf(
                "model loop with %,d users: %,d delta records (largest %,d bytes), %,d seed samples"
                        + " in %d records, %,d panel profiles, %d models (largest %,d bytes);"
                        + " max.request.size %,d%n",
                USERS,
                deltaSizes.size(),
                largestDelta,
                seedSamples,
                seedRecords,
                panelProfiles,
                modelSizes.size(),
                largestModel,
                MAX_REQUEST_SIZE);
        // the seed sample alone is 1.6 MB: it must have been split
        assertThat(seedSamples).isGreaterThanOrEqualTo(500);
        assertThat(seedRecords).isGreaterThan(1);
        assertThat(panelProfiles).isGreaterThan(1_000);
        assertThat(modelSizes).hasSizeGreaterThan(10);
        int budget =
                (Integer)
                        SegstreamConfig.CONFIG
                                .defaultValues()
                                .get(SegstreamConfig.MODEL_RECORD_MAX_BYTES_CONFIG);
        assertThat(largestDelta).isLessThanOrEqualTo(budget).isLessThan(MAX_REQUEST_SIZE / 4);
        assertThat(largestModel).isLessThan(MAX_REQUEST_SIZE / 4);
    }

    @Test
    void shouldFitAModelOf50SegmentsAndOver500DimensionsInOneRecord() {
        int textDimension = 512;
        int b = BehaviourFeatures.NAMES.size();
        double[] means = new double[b];
        double[] scales = new double[b];
        Arrays.fill(scales, 1.0);
        FeatureSpec spec =
                new FeatureSpec(BehaviourFeatures.NAMES, means, scales, 0.5, textDimension);
        Random random = new Random(3);
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            double[] center = random.doubles(spec.dimension()).toArray();
            clusters.add(new Cluster(i, center, 1 + random.nextInt(1000)));
        }
        EncoderInfo wide = EncoderInfo.newBuilder(info).setDimension(textDimension).build();
        SegmentModel model =
                SegmentModels.seed(spec, clusters, wide, Instant.parse("2011-12-01T00:00:00Z"), 1L);
        int size = ModelCache.encode(model).length;
        System.out.printf(
                "model of 50 segments x %d dimensions: %,d bytes%n", spec.dimension(), size);
        assertThat(spec.dimension()).isGreaterThan(500);
        assertThat(size).isLessThan(MAX_REQUEST_SIZE / 2);
    }
}

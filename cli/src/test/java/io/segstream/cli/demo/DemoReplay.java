package io.segstream.cli.demo;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.InputRecords;
import io.segstream.app.runtime.QualityTimeline;
import io.segstream.app.serde.AvroSerde;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.app.topology.TopologyDeps;
import io.segstream.core.dataset.ReviewTexts;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentChange;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The demo's replay through {@link SegstreamTopology#buildTopology} on a {@link
 * TopologyTestDriver}: one thread and no broker, so the same input and settings give the same
 * figures, run after run. The real demo's figures also depend on how its stream thread, the global
 * store and the model loop happen to interleave (about 0.1 changes per user between runs); this
 * replay leaves only the algorithm, and different generator seeds give the spread over inputs.
 *
 * <p>Every event is applied and its centroid deltas reach the coordinator at once, and every model
 * version reaches the tasks at once: the model loop of a shop whose events arrive in real time, not
 * of a replay of months in seconds. The wall clock (re-score sweep) advances {@code sweep.interval}
 * every {@value #EVENTS_PER_TICK} events, about the pace of the demo on two cores.
 *
 * <p>Run with {@code DemoReplay <users> <seed>... [key=value]...} to print the figures of each seed
 * and their mean. {@code -Dreplay.changes.dir=DIR} also writes each seed's segment changes, with
 * the planted personas, to {@code DIR/changes-seed-N.tsv}; {@code -Dreplay.online.retail=CSV}
 * replays the first {@code <users>} customers of that Online Retail file instead, once.
 */
final class DemoReplay {

    static final int EVENTS_PER_TICK = 300;

    /** Ticks of the wall clock after the last event, for the sweep and the re-fits to settle. */
    private static final int SETTLE_TICKS = 200;

    /** The quality line and the changes by type at the end of one replay. */
    record Result(List<QualityTimeline.Point> points, String line, String byType) {
        double endChangesPerUser() {
            return points.get(points.size() - 1).changesPerUser();
        }

        double ari(String label) {
            return points.stream()
                    .filter(p -> p.label().equals(label))
                    .findFirst()
                    .orElseThrow()
                    .ari();
        }
    }

    private DemoReplay() {}

    static Result run(
            DemoInput input,
            Map<String, Object> overrides,
            CachingTextEncoder encoder,
            Path stateDir,
            Path changes) {
        SegstreamConfig config = config(input, overrides, stateDir);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
        EncoderInfo info = new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
        List<ShopEvent> events = input.events();
        long last = events.isEmpty() ? 0 : events.get(events.size() - 1).time();
        // the future-event check must accept the whole replay
        Instant wallClock = Instant.ofEpochMilli(last).plus(Duration.ofDays(1));
        TopologyDeps deps = new TopologyDeps(encoder, info, registry, wallClock::toEpochMilli);
        Duration tick = Duration.ofMillis(config.getLong(SegstreamConfig.SWEEP_INTERVAL_MS_CONFIG));
        try (TopologyTestDriver driver =
                new TopologyTestDriver(
                        SegstreamTopology.buildTopology(config, deps),
                        SegstreamTopology.streamsProperties(config, registry),
                        wallClock)) {
            Map<String, TestInputTopic<String, byte[]>> topics = new HashMap<>();
            InputRecords records = new InputRecords(config);
            QualityTimeline quality = input.qualityTimeline();
            QualityTimeline.Source source =
                    QualityTimeline.Source.of(
                            registry,
                            driver.<String, UserProfile>getKeyValueStore(
                                    SegstreamTopology.PROFILES_STORE));
            for (int i = 0; i < events.size(); i++) {
                ProducerRecord<String, byte[]> r = records.of(events.get(i));
                topics.computeIfAbsent(
                                r.topic(),
                                t ->
                                        driver.createInputTopic(
                                                t,
                                                new StringSerializer(),
                                                new ByteArraySerializer()))
                        .pipeInput(r.key(), r.value(), r.timestamp());
                if ((i + 1) % EVENTS_PER_TICK == 0) {
                    driver.advanceWallClockTime(tick);
                }
                quality.poll(source);
            }
            for (int t = 0; t < SETTLE_TICKS; t++) {
                driver.advanceWallClockTime(tick);
            }
            quality.end(source);
            if (changes != null) {
                writeChanges(driver, config, input, changes);
            }
            return new Result(
                    List.copyOf(quality.points()),
                    quality.line(),
                    QualityTimeline.byType(registry));
        }
    }

    /**
     * Writes the {@code segment-changes} records as tab-separated lines: user, change type,
     * previous and new segment, model version, event time and the user's planted persona.
     */
    private static void writeChanges(
            TopologyTestDriver driver, SegstreamConfig config, DemoInput input, Path file) {
        var changes =
                driver.createOutputTopic(
                        config.topics().segmentChanges(),
                        new StringDeserializer(),
                        AvroSerde.of(SegmentChange.class).deserializer());
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (SegmentChange c : changes.readValuesToList()) {
                w.write(
                        String.join(
                                "\t",
                                c.getUserId(),
                                c.getChangeType().toString(),
                                String.valueOf(c.getPreviousSegment()),
                                String.valueOf(c.getNewSegment()),
                                Long.toString(c.getModelVersion()),
                                Long.toString(c.getEventTime().toEpochMilli()),
                                String.valueOf(input.planted().get(c.getUserId()))));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The demo's settings for {@code input}, with the state in {@code stateDir}. */
    static SegstreamConfig config(DemoInput input, Map<String, Object> overrides, Path stateDir) {
        Map<String, Object> settings = new HashMap<>(Demo.settings(input, overrides));
        settings.put(SegstreamConfig.APPLICATION_ID_CONFIG, "segstream-replay");
        settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        settings.put(SegstreamConfig.STATE_DIR_CONFIG, stateDir.toString());
        // a sweep slice bounded by users only: a wall-clock budget would make the output depend
        // on the machine's speed
        settings.put(SegstreamConfig.SWEEP_MAX_MS_CONFIG, 60_000L);
        settings.putAll(overrides);
        return new SegstreamConfig(settings);
    }

    public static void main(String[] args) throws Exception {
        int users = Integer.parseInt(args[0]);
        List<Long> seeds = new ArrayList<>();
        Map<String, Object> overrides = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq > 0) {
                overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            } else {
                seeds.add(Long.parseLong(args[i]));
            }
        }
        String changesDir = System.getProperty("replay.changes.dir");
        List<Result> results = new ArrayList<>();
        String csv = System.getProperty("replay.online.retail");
        List<DemoInput> inputs = new ArrayList<>();
        if (csv != null) {
            inputs.add(DemoInput.onlineRetail(Path.of(csv), users));
            seeds = List.of(0L);
        } else {
            seeds.forEach(
                    seed -> inputs.add(DemoInput.generated(users, seed, ReviewTexts.builtIn())));
        }
        Path scratch = Files.createTempDirectory("segstream-replay");
        try (CachingTextEncoder encoder =
                CachingTextEncoder.open(config(inputs.get(0), overrides, scratch).encoder())) {
            for (int i = 0; i < inputs.size(); i++) {
                long seed = seeds.get(i);
                Path dir = Files.createTempDirectory("segstream-replay");
                Result r =
                        run(
                                inputs.get(i),
                                overrides,
                                encoder,
                                dir,
                                changesDir == null
                                        ? null
                                        : Path.of(changesDir, "changes-seed-" + seed + ".tsv"));
                System.out.printf(Locale.ROOT, "seed %d: %s (%s)%n", seed, r.line(), r.byType());
                results.add(r);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "mean over %d seeds: changes/user %s, ARI at 50 %% %s, ARI at the end %s%n",
                results.size(),
                meanSd(results.stream().mapToDouble(Result::endChangesPerUser).toArray()),
                meanSd(results.stream().mapToDouble(r -> r.ari("50 %")).toArray()),
                meanSd(results.stream().mapToDouble(r -> r.ari("end")).toArray()));
    }

    private static String meanSd(double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
        double ss = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        double sd = values.length > 1 ? Math.sqrt(ss / (values.length - 1)) : 0;
        return String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
    }
}

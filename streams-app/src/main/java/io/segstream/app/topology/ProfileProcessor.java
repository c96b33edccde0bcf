package io.segstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.clustering.Assignment;
import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.ClusterDelta;
import io.segstream.core.clustering.DeltaAccumulator;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The heart of segstream, one instance per stream task: keeps each user's profile, assigns the user
 * to the nearest segment of the current model with hysteresis, emits assignments and changes, and
 * accumulates the task's mini-batch of centroid deltas for the coordinator.
 *
 * <p>When the first model arrives, or a model with a new major version (a re-fit by the trainer),
 * every user in the task's store is re-scored against it and the resulting changes are emitted.
 */
final class ProfileProcessor implements Processor<String, SpecificRecord, String, Output> {

    static final String DELTA_KEY = "deltas";

    private static final long PANEL_BUCKETS = 1_000_000;

    private final SegstreamConfig config;
    private final TopologyDeps deps;
    private final ProfileBuilder builder;
    private final NearestCentroid nearest;
    private final int flushRecords;
    private final int seedUsers;
    private final boolean learning;

    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, UserProfile> profiles;
    private ModelCache models;
    private DeltaAccumulator deltas;
    private long intervalStart = -1;

    /** Re-fit panel users scored since the last flush, latest profile each. */
    private final Map<String, UserProfile> panelSamples = new LinkedHashMap<>();

    private final long panelThreshold;

    /** Deleted users the coordinator must drop from its re-fit panel. */
    private final Set<String> forgotten = new HashSet<>();

    private final long seedWarmup;
    private long firstEventTime = -1;

    /**
     * Profiles to sample for the seed, vectorised when flushed: a snapshot of the population then.
     */
    private final Map<String, UserProfile> seedSamples = new LinkedHashMap<>();

    /** Users whose sample this task already sent: each counts once towards kmeans.seed.users. */
    private final Set<String> seedUsersSent = new HashSet<>();

    private int lastMajor = -1;

    /** The model version this task scores with, once any re-score it required is done. */
    private final AtomicLong scoringVersion = new AtomicLong();

    private Gauge scoringGauge;
    private Counter events;
    private MeterRegistry registry;

    ProfileProcessor(SegstreamConfig config, TopologyDeps deps) {
        this.config = config;
        this.deps = deps;
        this.builder = new ProfileBuilder(config.profileSettings(), deps.encoder());
        this.nearest = new NearestCentroid(config.getDouble(SegstreamConfig.HYSTERESIS_CONFIG));
        this.flushRecords = config.getInt(SegstreamConfig.FLUSH_RECORDS_CONFIG);
        this.seedUsers = config.getInt(SegstreamConfig.SEED_USERS_CONFIG);
        this.seedWarmup = config.getLong(SegstreamConfig.SEED_WARMUP_MS_CONFIG);
        double panelRate =
                config.getLong(SegstreamConfig.REFIT_EVERY_CONFIG) == 0
                        ? 0
                        : config.getDouble(SegstreamConfig.REFIT_SAMPLE_RATE_CONFIG);
        this.panelThreshold = (long) Math.ceil(panelRate * PANEL_BUCKETS);
        this.learning = config.getBoolean(SegstreamConfig.LEARNING_ENABLED_CONFIG);
    }

    @Override
    public void init(ProcessorContext<String, Output> context) {
        this.context = context;
        this.profiles = context.getStateStore(SegstreamTopology.PROFILES_STORE);
        ReadOnlyKeyValueStore<String, byte[]> modelStore =
                context.getStateStore(SegstreamTopology.MODEL_STORE);
        this.models =
                new ModelCache(
                        modelStore,
                        config.profileSettings(),
                        deps.encoder().modelId(),
                        deps.encoder().dimension());
        this.deltas = new DeltaAccumulator();
        this.registry = deps.registry();
        this.events =
                Counter.builder("segstream.events")
                        .description("Input events applied to profiles")
                        .register(registry);
        context.schedule(
                Duration.ofMillis(config.getLong(SegstreamConfig.FLUSH_INTERVAL_MS_CONFIG)),
                PunctuationType.STREAM_TIME,
                this::flushOnSchedule);
        context.schedule(
                Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> refreshModel());
        this.scoringGauge =
                Gauge.builder("segstream.model.scoring.version", scoringVersion, AtomicLong::get)
                        .description("Model version a stream task scores with (after any re-score)")
                        .tag("task", context.taskId().toString())
                        .register(registry);
    }

    @Override
    public void close() {
        // a task that moved to another instance must not report here any more
        registry.remove(scoringGauge);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        refreshModel();
        String user = record.key();
        SpecificRecord value = record.value();
        if (value instanceof DeletionRequest request) {
            delete(user, request, record.timestamp());
            return;
        }
        UserProfile profile = profiles.get(user);
        if (profile == null) {
            profile = new UserProfile();
        }
        long eventTime = builder.apply(profile, value);
        if (firstEventTime < 0) {
            firstEventTime = eventTime;
        }
        events.increment();
        // scored as of the user's own latest event: the task's stream time would also count records
        // fetched ahead, and so depend on timing rather than on the data
        long now = Math.max(profile.lastEventTime(), eventTime);
        ScoringModel model = models.current();
        if (model == null) {
            if (learning) {
                sample(user, profile);
            }
        } else {
            score(user, profile, model, now, nearest, false);
        }
        profiles.put(user, profile);
        if (deltas.pendingPoints() >= flushRecords || seedSamples.size() >= flushRecords) {
            flush(now);
        }
    }

    private void sample(String user, UserProfile profile) {
        if (seedUsersSent.contains(user)) {
            return;
        }
        if (seedUsersSent.size() + seedSamples.size() < seedUsers
                || seedSamples.containsKey(user)) {
            seedSamples.put(user, profile);
        }
    }

    /**
     * Assigns the user under {@code model}; emits the assignment and a change when the segment
     * changes.
     */
    private void score(
            String user,
            UserProfile profile,
            ScoringModel model,
            long now,
            NearestCentroid rule,
            boolean rescore) {
        double[] x = model.vectorizer().vectorize(profile, now);
        boolean known = profile.segment() != UserProfile.NO_SEGMENT;
        Assignment a =
                rule.assign(x, model.clusters(), rescore || !known ? null : profile.segment());
        int previous = profile.segment();
        boolean changed = !known || a.segmentId() != previous;
        double previousDistance = known ? distanceTo(model, previous, x) : Double.NaN;
        profile.assign(a.segmentId(), model.version(), a.distance());
        if (!rescore && learning) {
            deltas.add(a.segmentId(), x);
            if (panelThreshold > 0 && inPanel(user)) {
                panelSamples.put(user, profile);
            }
        }
        if (changed) {
            SegmentChangeType type =
                    !known
                            ? SegmentChangeType.FIRST_ASSIGNMENT
                            : rescore ? SegmentChangeType.RESCORED : SegmentChangeType.MOVED;
            emitAssignment(user, profile, model, now);
            context.forward(
                    new Record<>(
                            user,
                            new Output.Change(
                                    SegmentChange.newBuilder()
                                            .setUserId(user)
                                            .setChangeType(type)
                                            .setPreviousSegment(known ? previous : null)
                                            .setNewSegment(a.segmentId())
                                            .setPreviousDistance(
                                                    Double.isNaN(previousDistance)
                                                            ? null
                                                            : previousDistance)
                                            .setNewDistance(a.distance())
                                            .setModelVersion(model.version())
                                            .setEventTime(Instant.ofEpochMilli(now))
                                            .setDrivers(
                                                    Drivers.explain(
                                                            model,
                                                            x,
                                                            known ? previous : null,
                                                            a.segmentId(),
                                                            profile,
                                                            now))
                                            .build()),
                            now));
            Counter.builder("segstream.segment.changes")
                    .tag("type", type.name())
                    .register(registry)
                    .increment();
        }
    }

    private static double distanceTo(ScoringModel model, int segment, double[] x) {
        for (Cluster c : model.clusters()) {
            if (c.segmentId() == segment) {
                return Math.sqrt(c.squaredDistanceTo(x));
            }
        }
        return Double.NaN;
    }

    private void emitAssignment(String user, UserProfile profile, ScoringModel model, long now) {
        SegmentAssignment assignment =
                SegmentAssignment.newBuilder()
                        .setUserId(user)
                        .setSegmentId(profile.segment())
                        .setSegmentName(model.name(profile.segment()))
                        .setDistance(profile.segmentDistance())
                        .setModelVersion(model.version())
                        .setEventTime(Instant.ofEpochMilli(now))
                        .build();
        context.forward(new Record<>(user, new Output.Assignment(assignment), now));
    }

    private void delete(String user, DeletionRequest request, long timestamp) {
        UserProfile profile = profiles.delete(user);
        Integer previous =
                profile == null || profile.segment() == UserProfile.NO_SEGMENT
                        ? null
                        : profile.segment();
        seedSamples.remove(user);
        panelSamples.remove(user);
        if (panelThreshold > 0 && inPanel(user)) {
            forgotten.add(user);
        }
        context.forward(new Record<>(user, new Output.Assignment(null), timestamp));
        ScoringModel model = models.current();
        context.forward(
                new Record<>(
                        user,
                        new Output.Change(
                                SegmentChange.newBuilder()
                                        .setUserId(user)
                                        .setChangeType(SegmentChangeType.DELETED)
                                        .setPreviousSegment(previous)
                                        .setNewSegment(null)
                                        .setPreviousDistance(null)
                                        .setNewDistance(null)
                                        .setModelVersion(model == null ? 0 : model.version())
                                        .setEventTime(request.getRequestTime())
                                        .setDrivers(List.of())
                                        .build()),
                        timestamp));
        Counter.builder("segstream.segment.changes")
                .tag("type", SegmentChangeType.DELETED.name())
                .register(registry)
                .increment();
    }

    /**
     * Picks up a new model; re-scores every local user on the first model and on a new major
     * version.
     */
    private void refreshModel() {
        if (!models.refresh()) {
            return;
        }
        ScoringModel model = models.current();
        if (model.majorVersion() != lastMajor) {
            lastMajor = model.majorVersion();
            rescoreAll(model, models.majorSince());
        }
        scoringVersion.set(model.version());
    }

    /**
     * Re-scores the users not yet scored under the model's major version (all of them on a new
     * major; after a restart only those the previous run had not reached), writing each back as it
     * goes rather than holding the whole store in memory.
     */
    private void rescoreAll(ScoringModel model, long majorSince) {
        long now = Math.max(0, context.currentStreamTimeMs());
        NearestCentroid fresh = new NearestCentroid(0);
        try (KeyValueIterator<String, UserProfile> all = profiles.all()) {
            while (all.hasNext()) {
                KeyValue<String, UserProfile> kv = all.next();
                if (kv.value.segment() != UserProfile.NO_SEGMENT
                        && kv.value.modelVersion() >= majorSince) {
                    continue;
                }
                score(
                        kv.key,
                        kv.value,
                        model,
                        Math.max(now, kv.value.lastEventTime()),
                        fresh,
                        true);
                profiles.put(kv.key, kv.value);
            }
        }
        seedSamples.clear();
    }

    /**
     * Stream-time punctuation fires at a task's first record too; that first call only starts the
     * interval, so that a mini-batch spans kmeans.flush.interval.ms of event time.
     */
    private void flushOnSchedule(long streamTime) {
        if (intervalStart < 0) {
            intervalStart = streamTime;
            return;
        }
        flush(streamTime);
    }

    /**
     * Sends this task's mini-batch (or, before the first model, its seed sample) to the
     * coordinator.
     */
    private void flush(long streamTime) {
        ScoringModel model = models.current();
        Map<Integer, ClusterDelta> batch = deltas.drain();
        boolean warmingUp = model == null && streamTime - firstEventTime < seedWarmup;
        if (batch.isEmpty() && forgotten.isEmpty() && (seedSamples.isEmpty() || warmingUp)) {
            return;
        }
        List<io.segstream.schemas.ClusterDelta> out = new ArrayList<>();
        for (ClusterDelta d : batch.values()) {
            out.add(
                    io.segstream.schemas.ClusterDelta.newBuilder()
                            .setSegmentId(d.segmentId())
                            .setCount(d.count())
                            .setSum(toList(d.sum()))
                            .build());
        }
        List<List<Double>> samples = new ArrayList<>();
        if (model == null && !warmingUp) {
            // read at flush time, so recency and tenure vary across the sample as in the population
            long asOf = Math.max(0, streamTime);
            int dimension = deps.encoder().dimension();
            seedSamples
                    .values()
                    .forEach(
                            p ->
                                    samples.add(
                                            toList(
                                                    FeatureVectorizer.raw(
                                                            p,
                                                            Math.max(asOf, p.lastEventTime()),
                                                            builder.settings(),
                                                            dimension))));
            seedUsersSent.addAll(seedSamples.keySet());
        }
        if (!warmingUp) {
            seedSamples.clear();
        }
        // profiles, not vectors: the coordinator reads them as of its own time, as re-scoring does
        List<String> panelUsers = new ArrayList<>(panelSamples.keySet());
        List<ByteBuffer> panelProfiles =
                panelSamples.values().stream()
                        .map(p -> ByteBuffer.wrap(ProfileCodec.encode(p)))
                        .toList();
        panelSamples.clear();
        List<String> forget = new ArrayList<>(forgotten);
        forgotten.clear();
        CentroidDelta delta =
                CentroidDelta.newBuilder()
                        .setTaskId(context.taskId().toString())
                        .setBaseModelVersion(model == null ? 0 : model.version())
                        .setFlushTime(Instant.ofEpochMilli(Math.max(0, streamTime)))
                        .setDeltas(out)
                        .setSeedSamples(samples)
                        .setPanelUsers(panelUsers)
                        .setPanelProfiles(panelProfiles)
                        .setForgetUsers(forget)
                        .build();
        context.forward(new Record<>(DELTA_KEY, new Output.Delta(delta), Math.max(0, streamTime)));
    }

    /** Whether {@code user} is in the re-fit panel: the same users on every task and restart. */
    private boolean inPanel(String user) {
        long bucket =
                Math.floorMod(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8)), PANEL_BUCKETS);
        return bucket < panelThreshold;
    }

    private static List<Double> toList(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }
}

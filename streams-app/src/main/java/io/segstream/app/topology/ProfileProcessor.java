package io.segstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.clustering.ClusterDelta;
import io.segstream.core.clustering.DeltaAccumulator;
import io.segstream.core.head.ReviewScorer;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.ReviewAlert;
import io.segstream.schemas.ReviewEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The heart of segstream, one instance per stream task: applies each event to the user's profile
 * and scores the user under the current model ({@link SegmentScorer}), and feeds the model loop:
 * the task's mini-batch of centroid sums, its seed sample before the first model ({@link
 * SeedSampler}) and its share of the re-fit panel ({@link PanelSampler}), sent to the coordinator
 * in bounded records ({@link DeltaRecords}).
 *
 * <p>A new major model version costs no poll more than any other: a user is re-scored at their next
 * event, and {@link RescoreSweep} re-scores the rest in bounded slices.
 */
final class ProfileProcessor implements Processor<String, SpecificRecord, String, Output> {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(ProfileProcessor.class);

    static final String DELTA_KEY = "deltas";

    /** Aging points a task holds at most before it flushes them, far below int overflow. */
    private static final int AGED_POINTS_MAX = 1 << 30;

    private final SegstreamConfig config;
    private final TopologyDeps deps;
    private final ProfileBuilder builder;
    private final int flushRecords;
    private final int maxRecordBytes;
    private final boolean learning;
    private final SeedSampler seed;
    private final PanelSampler panel;
    private final double atRiskNegatives;

    private ProcessorContext<String, Output> context;
    private KeyValueStore<String, UserProfile> profiles;
    private ModelCache models;
    private SegmentScorer scorer;
    private SegmentSizes sizes;
    private RescoreSweep sweep;
    private DeltaAccumulator deltas;

    /**
     * What the aging pass scored, as of now. Kept apart because it does not count towards
     * kmeans.flush.records: an aging pass over every user would otherwise make a mini-batch of
     * every thousand of them, and the half-life in batches would shrink with the population.
     */
    private DeltaAccumulator agedDeltas;

    private long intervalStart = -1;
    private int lastMajor = -1;
    private long majorSince;
    private boolean warnedNoModel;

    /** The model version this task scores with, once any re-score it required is done. */
    private final AtomicLong scoringVersion = new AtomicLong();

    private Gauge scoringGauge;
    private Counter events;
    private Counter lateEvents;
    private Counter reviewAlerts;
    private MeterRegistry registry;

    ProfileProcessor(SegstreamConfig config, TopologyDeps deps) {
        this.config = config;
        this.deps = deps;
        this.builder = new ProfileBuilder(config.profileSettings(), deps.encoder(), deps.reviews());
        this.flushRecords = config.getInt(SegstreamConfig.FLUSH_RECORDS_CONFIG);
        // a quarter of a request at most, so that a producer set to small requests is obeyed too
        this.maxRecordBytes =
                Math.min(
                        config.getInt(SegstreamConfig.MODEL_RECORD_MAX_BYTES_CONFIG),
                        config.producerMaxRequestSize() / 4);
        this.learning = config.getBoolean(SegstreamConfig.LEARNING_ENABLED_CONFIG);
        this.atRiskNegatives = config.getDouble(SegstreamConfig.REVIEWS_AT_RISK_NEGATIVES_CONFIG);
        this.seed =
                new SeedSampler(
                        config.getInt(SegstreamConfig.SEED_USERS_CONFIG),
                        config.getLong(SegstreamConfig.SEED_WARMUP_MS_CONFIG),
                        config.profileSettings(),
                        deps.encoder().dimension());
        this.panel =
                new PanelSampler(
                        config.getLong(SegstreamConfig.REFIT_EVERY_CONFIG) == 0
                                ? 0
                                : config.getDouble(SegstreamConfig.REFIT_SAMPLE_RATE_CONFIG));
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
        this.agedDeltas = new DeltaAccumulator();
        this.registry = deps.registry();
        this.events =
                Counter.builder("segstream.events")
                        .description("Input events applied to profiles")
                        .register(registry);
        this.lateEvents =
                Counter.builder("segstream.events.late")
                        .description(
                                "Events older than the user's latest applied event: they reached"
                                        + " the user out of event-time order, so the segment path"
                                        + " (hysteresis) depends on arrival")
                        .register(registry);
        this.reviewAlerts =
                Counter.builder("segstream.review.alerts")
                        .description("Shoppers who crossed into 'at risk' by their reviews")
                        .register(registry);
        this.sizes =
                new SegmentSizes(
                        context.getStateStore(SegstreamTopology.SWEEP_STORE),
                        registry,
                        context.taskId().toString());
        this.scorer =
                new SegmentScorer(
                        context,
                        config.getDouble(SegstreamConfig.HYSTERESIS_CONFIG),
                        config.getInt(SegstreamConfig.MIN_EVENTS_CONFIG),
                        sizes,
                        registry);
        this.sweep =
                new RescoreSweep(
                        profiles,
                        context.getStateStore(SegstreamTopology.SWEEP_STORE),
                        scorer,
                        panel,
                        learning ? agedDeltas::add : RescoreSweep.Learner.NONE,
                        new RescoreSweep.Settings(
                                config.getInt(SegstreamConfig.SWEEP_MAX_USERS_CONFIG),
                                config.getLong(SegstreamConfig.SWEEP_MAX_MS_CONFIG),
                                config.getLong(SegstreamConfig.AGING_INTERVAL_MS_CONFIG),
                                System::nanoTime),
                        registry,
                        context.taskId().toString());
        context.schedule(
                Duration.ofMillis(config.getLong(SegstreamConfig.FLUSH_INTERVAL_MS_CONFIG)),
                PunctuationType.STREAM_TIME,
                this::flushOnSchedule);
        context.schedule(
                Duration.ofMillis(config.getLong(SegstreamConfig.SWEEP_INTERVAL_MS_CONFIG)),
                PunctuationType.WALL_CLOCK_TIME,
                now -> sweep());
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
        sweep.close(registry);
        sizes.close();
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
        long latest = profile.lastEventTime();
        long eventTime;
        ReviewScorer.Verdict verdict = null;
        if (value instanceof ReviewEvent review) {
            eventTime = review.getEventTime().toEpochMilli();
            // at risk until the unhappy reviews have decayed below half the level
            if (profile.reviewAtRisk()
                    && negativeReviewsAt(profile, Math.max(latest, eventTime))
                            < atRiskNegatives / 2) {
                profile.reviewAtRisk(false);
            }
            verdict = builder.applyReview(profile, review);
        } else {
            eventTime = builder.apply(profile, value);
        }
        if (eventTime < latest) {
            lateEvents.increment();
        }
        seed.observe(eventTime);
        events.increment();
        // scored as of the user's own latest event: the task's stream time would also count records
        // fetched ahead, and so depend on timing rather than on the data
        long now = Math.max(profile.lastEventTime(), eventTime);
        ScoringModel model = models.current();
        if (model == null) {
            // learning: these events seed the first model, as they should; without learning the
            // pinned model is missing, which an operator must hear about
            if (!learning && !warnedNoModel) {
                warnedNoModel = true;
                LOG.warn(
                        "Task {}: applying events with no segment model yet (user {}, event"
                                + " time {}); they are scored once a model arrives",
                        context.taskId(),
                        user,
                        eventTime);
            }
            // the first model is fitted on the customers it will be given to: one with fewer than
            // assignment.min.events events gets no segment, and would seed it with a first click
            if (learning && scorer.assignable(profile)) {
                seed.offer(user, profile);
            }
        } else {
            score(user, profile, model, now);
        }
        if (verdict != null
                && !profile.reviewAtRisk()
                && profile.negativeReviews() >= atRiskNegatives) {
            profile.reviewAtRisk(true);
            alert(user, (ReviewEvent) value, verdict, profile, record.timestamp());
        }
        profiles.put(user, profile);
        if (deltas.pendingPoints() >= flushRecords || seed.pending() >= flushRecords) {
            flush(now);
        }
    }

    /**
     * The profile's decayed count of unhappy reviews read at {@code time} (not before its last).
     */
    private double negativeReviewsAt(UserProfile profile, long time) {
        return profile.isEmpty()
                ? 0
                : profile.negativeReviews()
                        * builder.settings().decay(time - profile.lastEventTime());
    }

    /** The shopper crossed into "at risk" with this review. */
    private void alert(
            String user,
            ReviewEvent review,
            ReviewScorer.Verdict verdict,
            UserProfile profile,
            long timestamp) {
        reviewAlerts.increment();
        ReviewAlert alert =
                ReviewAlert.newBuilder()
                        .setUserId(user)
                        .setEventTime(review.getEventTime())
                        .setReviewId(review.getReviewId())
                        .setProductId(review.getProductId())
                        .setNegativity(verdict.negativity())
                        .setNegativeReviews(profile.negativeReviews())
                        .setJudgedBy(verdict.judgedBy())
                        .setSegmentId(
                                profile.segment() == UserProfile.NO_SEGMENT
                                        ? null
                                        : profile.segment())
                        .build();
        context.forward(new Record<>(user, new Output.Alert(alert), timestamp));
    }

    private void score(String user, UserProfile profile, ScoringModel model, long now) {
        if (!scorer.assignable(profile)) {
            return;
        }
        boolean stale =
                profile.segment() != UserProfile.NO_SEGMENT && profile.modelVersion() < majorSince;
        double[] x =
                scorer.score(
                        user,
                        profile,
                        model,
                        now,
                        stale ? SegmentScorer.Reason.NEW_MAJOR : SegmentScorer.Reason.EVENT);
        if (stale) {
            sweep.rescoredAtEvent();
        }
        if (learning) {
            deltas.add(profile.segment(), x);
            panel.offer(user, profile);
        }
    }

    private void delete(String user, DeletionRequest request, long timestamp) {
        UserProfile profile = profiles.delete(user);
        Integer previous =
                profile == null || profile.segment() == UserProfile.NO_SEGMENT
                        ? null
                        : profile.segment();
        seed.forget(user);
        panel.forget(user);
        ScoringModel model = models.current();
        scorer.deleted(
                user,
                previous,
                model == null ? 0 : model.version(),
                request.getRequestTime(),
                timestamp);
    }

    /** Picks up a new model; a new major version starts a re-score pass of the sweep. */
    private void refreshModel() {
        if (!models.refresh()) {
            return;
        }
        ScoringModel model = models.current();
        if (model.majorVersion() != lastMajor) {
            lastMajor = model.majorVersion();
            majorSince = models.majorSince();
            seed.clear();
            // assigned to the old major's centres: its segment ids need not mean the same now
            deltas.drain();
            agedDeltas.drain();
            sweep.newMajor();
        }
        if (!sweep.pending(majorSince)) {
            scoringVersion.set(model.version());
        }
    }

    /** One bounded slice of the re-score sweep. */
    private void sweep() {
        refreshModel();
        ScoringModel model = models.current();
        if (model == null) {
            return;
        }
        sweep.runSlice(model, majorSince, context.currentStreamTimeMs());
        // a pass over a quiet store brings no events to flush at, and its panel users would
        // otherwise pile up in memory until the next one: a task's share of the panel, not a batch
        // aging points do not trigger flushes, but their count is an int: millions of users per
        // task under a long kmeans.flush.interval.ms could overflow it and stop the stream thread
        if (panel.pending() >= flushRecords || agedDeltas.pendingPoints() >= AGED_POINTS_MAX) {
            flush(context.currentStreamTimeMs());
        }
        if (!sweep.pending(majorSince)) {
            scoringVersion.set(model.version());
        }
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
     * coordinator, in records of at most {@code model.record.max.bytes}.
     */
    private void flush(long streamTime) {
        ScoringModel model = models.current();
        boolean sendSeed = model == null && !seed.warmingUp(streamTime);
        Map<Integer, ClusterDelta> aged = agedDeltas.drain();
        Map<Integer, ClusterDelta> batch = DeltaAccumulator.merge(deltas.drain(), aged);
        List<io.segstream.schemas.ClusterDelta> sums = new ArrayList<>(batch.size());
        for (ClusterDelta d : batch.values()) {
            List<Double> sum = new ArrayList<>(d.dimension());
            for (double v : d.sum()) {
                sum.add(v);
            }
            sums.add(
                    io.segstream.schemas.ClusterDelta.newBuilder()
                            .setSegmentId(d.segmentId())
                            .setCount(d.count())
                            .setAged(
                                    aged.containsKey(d.segmentId())
                                            ? aged.get(d.segmentId()).count()
                                            : 0)
                            .setSum(sum)
                            .build());
        }
        DeltaRecords.Flush flush =
                new DeltaRecords.Flush(
                        context.taskId().toString(),
                        model == null ? 0 : model.version(),
                        Instant.ofEpochMilli(Math.max(0, streamTime)),
                        sums,
                        sendSeed ? seed.drain(streamTime) : List.of(),
                        panel.users(),
                        panel.profiles(),
                        panel.forgotten());
        panel.clear();
        for (CentroidDelta record : DeltaRecords.split(flush, maxRecordBytes)) {
            context.forward(
                    new Record<>(DELTA_KEY, new Output.Delta(record), Math.max(0, streamTime)));
        }
    }
}

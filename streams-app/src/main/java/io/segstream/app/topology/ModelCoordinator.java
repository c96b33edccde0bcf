package io.segstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.ClusterDelta;
import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.clustering.KMeansPlusPlus;
import io.segstream.core.clustering.MiniBatchUpdate;
import io.segstream.core.clustering.UpdateResult;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.model.PanelRefit;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.SegmentCount;
import io.segstream.core.model.SegmentModels;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.ModelOrigin;
import io.segstream.schemas.SegmentModel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of online model versions. Reads {@code centroid-deltas} (one partition, so one
 * task in the whole application runs this) and, per delta, applies the decayed mini-batch update
 * {@code c <- (c*n*a + sum) / (n*a + m)}, {@code n <- n*a + m} (see {@link MiniBatchUpdate}),
 * reseeds dying clusters and publishes the next version to {@code segment-model}.
 *
 * <p>Before any model exists it collects the seed samples that tasks send until it has {@code
 * kmeans.seed.users} of them, fits the feature scaling on them and seeds the first model with
 * k-means++. Every {@code kmeans.refit.every.records} scored events it re-fits the model on its
 * panel of users ({@link RefitPanel}): a new major version. A model published by the trainer
 * (higher version, possibly a new major) replaces the coordinator's own; deltas computed against an
 * older major version are dropped.
 */
final class ModelCoordinator implements Processor<String, CentroidDelta, String, byte[]> {

    static final String MODEL_KEY = "model";
    static final String SAMPLE_COUNT_KEY = "sample-count";
    static final String REFIT_SINCE_KEY = "refit-since";

    private static final Logger LOG = LoggerFactory.getLogger(ModelCoordinator.class);

    private final SegstreamConfig config;
    private final TopologyDeps deps;
    private final MiniBatchUpdate update;
    private static final Duration MODEL_GAUGE_REFRESH = Duration.ofSeconds(5);

    private final AtomicLong publishedVersion = new AtomicLong();
    private final AtomicLong publishedSegments = new AtomicLong();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> state;
    private KeyValueStore<String, byte[]> models;
    private RefitPanel panel;
    private Counter refits;
    private Counter updates;
    private Gauge segmentsGauge;
    private Gauge versionGauge;

    /** The refused global version last logged: a refusal is news once, not on every delta. */
    private long refusedLogged = -1;

    ModelCoordinator(SegstreamConfig config, TopologyDeps deps) {
        this.config = config;
        this.deps = deps;
        this.update =
                MiniBatchUpdate.forHalfLife(
                        config.getDouble(SegstreamConfig.KMEANS_HALF_LIFE_CONFIG),
                        config.getDouble(SegstreamConfig.RESEED_FRACTION_CONFIG),
                        config.getLong(SegstreamConfig.KMEANS_SEED_CONFIG),
                        // with re-fits on the panel to revive dead centres, a segment that gets no
                        // events is taken for idle customers, not for a dead centre
                        config.getLong(SegstreamConfig.REFIT_EVERY_CONFIG) <= 0);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.state = context.getStateStore(SegstreamTopology.COORDINATOR_STORE);
        this.models = context.getStateStore(SegstreamTopology.MODEL_STORE);
        this.panel =
                new RefitPanel(
                        state,
                        config.getInt(SegstreamConfig.REFIT_PANEL_USERS_CONFIG),
                        config.getLong(SegstreamConfig.KMEANS_SEED_CONFIG),
                        config.profileSettings(),
                        config.getDouble(SegstreamConfig.REFIT_SAMPLE_RATE_CONFIG),
                        new RefitPanel.Adoption(
                                config.getDouble(SegstreamConfig.HYSTERESIS_CONFIG),
                                config.getDouble(SegstreamConfig.REFIT_MIN_MOVED_CONFIG),
                                segmentCount()),
                        deps.registry());
        this.updates =
                Counter.builder("segstream.coordinator.updates")
                        .description("Model versions published by the coordinator")
                        .register(deps.registry());
        this.refits =
                Counter.builder("segstream.model.refits")
                        .description(
                                "Re-fits of the model on the panel of users (each a new major"
                                        + " version) published by the coordinator")
                        .register(deps.registry());
        // held strongly and removed on close: a registry keeps the first gauge of a name, weakly,
        // so after a rebalance the next coordinator's gauge read NaN
        this.segmentsGauge =
                Gauge.builder("segstream.model.segments", publishedSegments, AtomicLong::get)
                        .strongReference(true)
                        .description(
                                "Segments of the latest model version published by this coordinator")
                        .register(deps.registry());
        this.versionGauge =
                Gauge.builder("segstream.model.version", publishedVersion, AtomicLong::get)
                        .strongReference(true)
                        .description(
                                "Latest model version this coordinator published or found"
                                        + " published (a trainer's or pinned model included)")
                        .register(deps.registry());
        // with learning off nothing reaches the coordinator, yet a pinned model scores: the gauges
        // follow the model topic too, so they never read 0 while a model is in use
        context.schedule(
                MODEL_GAUGE_REFRESH, PunctuationType.WALL_CLOCK_TIME, now -> refreshGauges());
        refreshGauges();
    }

    private void refreshGauges() {
        SegmentModel latest = latestModel();
        if (latest != null && latest.getVersion() > publishedVersion.get()) {
            publishedVersion.set(latest.getVersion());
            publishedSegments.set(latest.getK());
        }
    }

    @Override
    public void close() {
        deps.registry().remove(segmentsGauge);
        deps.registry().remove(versionGauge);
    }

    @Override
    public void process(Record<String, CentroidDelta> record) {
        CentroidDelta delta = record.value();
        SegmentModel current = latestModel();
        if (current == null) {
            collectSamples(delta, record.timestamp());
            return;
        }
        panel.update(delta);
        // the coordinator's stream time, not this delta's: a task that lags behind the others
        // sends deltas stamped weeks back in a fast replay, and a re-fit read as of then would
        // see every newer profile at recency 0
        Instant at =
                Instant.ofEpochMilli(Math.max(record.timestamp(), context.currentStreamTimeMs()));
        SegmentModel next = applyDeltas(delta, current, at);
        // counted in events scored by every delta received, dropped ones included: while tasks lag
        // behind a re-fit their deltas are dropped, but their samples still refresh the panel. The
        // aging pass's samples are left out: they would otherwise bring a re-fit every day at scale
        long scored = delta.getDeltas().stream().mapToLong(ModelCoordinator::events).sum();
        if (panel.refitDue(scored, refitInterval(current))) {
            SegmentModel refit =
                    panel.refit(
                            aboveGlobal(next != null ? next : current), majorSince(current), at);
            if (refit != null) {
                next = refit;
                refits.increment();
                state.put(
                        REFIT_SINCE_KEY,
                        ByteBuffer.allocate(12)
                                .putInt(next.getMajorVersion())
                                .putLong(next.getVersion())
                                .array());
            }
        }
        if (next != null) {
            publish(next, record.timestamp());
        }
    }

    /** The points of {@code d} scored at events; {@code aged} beyond its count is not trusted. */
    private static long events(io.segstream.schemas.ClusterDelta d) {
        return d.getCount() - Math.max(0, Math.min(d.getAged(), d.getCount()));
    }

    /**
     * Events between two re-fits under {@code current}: {@code kmeans.refit.every.records}, doubled
     * for each major version so far up to {@code kmeans.refit.backoff.max} times. A young model is
     * corrected often; each published re-fit re-scores everyone and moves the customers near a
     * boundary, so a mature one is re-fitted less often, yet still regularly.
     */
    private long refitInterval(SegmentModel current) {
        return refitInterval(
                config.getLong(SegstreamConfig.REFIT_EVERY_CONFIG),
                config.getInt(SegstreamConfig.REFIT_BACKOFF_MAX_CONFIG),
                current.getMajorVersion());
    }

    static long refitInterval(long every, int backoffMax, int majorVersion) {
        int doublings = Math.min(30, Math.max(0, majorVersion - 1));
        return every * Math.min(backoffMax, 1L << doublings);
    }

    /** The next online version with the delta's mini-batch applied; null when nothing applies. */
    private SegmentModel applyDeltas(CentroidDelta delta, SegmentModel current, Instant at) {
        if (delta.getBaseModelVersion() > 0 && delta.getBaseModelVersion() < majorSince(current)) {
            LOG.debug(
                    "Dropping deltas of {} against old major model v{}",
                    delta.getTaskId(),
                    delta.getBaseModelVersion());
            return null;
        }
        Map<Integer, ClusterDelta> batch = new HashMap<>();
        int dimension = SegmentModels.dimension(current);
        for (io.segstream.schemas.ClusterDelta d : delta.getDeltas()) {
            if (d.getSum().size() != dimension) {
                continue;
            }
            double[] sum = new double[dimension];
            for (int i = 0; i < dimension; i++) {
                sum[i] = d.getSum().get(i);
            }
            batch.merge(
                    d.getSegmentId(),
                    new ClusterDelta(d.getSegmentId(), d.getCount(), sum),
                    ClusterDelta::plus);
        }
        List<Cluster> clusters = new ArrayList<>();
        current.getCentroids().forEach(c -> clusters.add(SegmentModels.cluster(c)));
        // a delta computed against another version may name a segment this model no longer has
        batch.keySet().removeIf(id -> clusters.stream().noneMatch(c -> c.segmentId() == id));
        if (batch.isEmpty()) {
            return null;
        }
        UpdateResult result = update.apply(clusters, batch);
        if (!result.reseeded().isEmpty()) {
            LOG.info("Reseeded dying segments {} next to the heaviest", result.reseeded());
        }
        return aboveGlobal(SegmentModels.next(current, result.clusters(), at));
    }

    /**
     * The first version of {@code current}'s major: deltas of earlier versions were computed with
     * other centres or scaling. Online re-fits are kept under one key in the model topic, so the
     * coordinator remembers where its latest re-fit began.
     */
    private long majorSince(SegmentModel current) {
        byte[] refit = state.get(REFIT_SINCE_KEY);
        if (refit != null) {
            ByteBuffer b = ByteBuffer.wrap(refit);
            if (b.getInt() == current.getMajorVersion()) {
                return b.getLong();
            }
        }
        return ModelCache.majorSince(models, current);
    }

    /**
     * The newer of this coordinator's last model and the global store's (the trainer may publish).
     */
    private SegmentModel latestModel() {
        byte[] own = state.get(MODEL_KEY);
        byte[] global = ModelCache.latest(models);
        SegmentModel a = own == null ? null : ModelCache.decode(own);
        if (a != null && !compatible(a)) {
            // written before an upgrade that changed the features or the encoder: it can neither
            // be scored nor updated, and holding on to it would keep the seed from ever running
            LOG.warn(
                    "Dropping this coordinator's segment model v{}: this version cannot use it;"
                            + " the next model is seeded afresh unless a usable one is published",
                    a.getVersion());
            state.delete(MODEL_KEY);
            a = null;
        }
        SegmentModel b = global == null ? null : ModelCache.decode(global);
        if (b != null && !compatible(b)) {
            // the processors refuse it and keep scoring with an older model: so must the updates
            if (b.getVersion() != refusedLogged) {
                LOG.warn(
                        "Not updating segment model v{}: this instance cannot use it",
                        b.getVersion());
                refusedLogged = b.getVersion();
            }
            b =
                    a != null
                            ? null
                            : ModelCache.newestCompatible(
                                    models,
                                    config.profileSettings(),
                                    deps.encoder().modelId(),
                                    deps.encoder().dimension());
        }
        if (a == null) {
            return b;
        }
        return b != null && b.getVersion() > a.getVersion() ? b : a;
    }

    private boolean compatible(SegmentModel model) {
        try {
            ScoringModel.of(
                    model,
                    config.profileSettings(),
                    deps.encoder().modelId(),
                    deps.encoder().dimension());
            return true;
        } catch (ModelCompatibilityException e) {
            return false;
        }
    }

    /**
     * A version above every model of the global store, including one this instance refuses, so that
     * the store takes the published model as current.
     */
    private SegmentModel aboveGlobal(SegmentModel next) {
        byte[] global = ModelCache.latest(models);
        long highest = global == null ? 0 : ModelCache.decode(global).getVersion();
        if (next.getVersion() <= highest) {
            next.setVersion(highest + 1);
        }
        return next;
    }

    private void collectSamples(CentroidDelta delta, long timestamp) {
        byte[] countBytes = state.get(SAMPLE_COUNT_KEY);
        int count = countBytes == null ? 0 : ByteBuffer.wrap(countBytes).getInt();
        for (List<Double> sample : delta.getSeedSamples()) {
            ByteBuffer b = ByteBuffer.allocate(sample.size() * 4);
            sample.forEach(v -> b.putFloat(v.floatValue()));
            state.put("sample-" + count++, b.array());
        }
        state.put(SAMPLE_COUNT_KEY, ByteBuffer.allocate(4).putInt(count).array());
        int k = config.getInt(SegstreamConfig.SEGMENTS_K_CONFIG);
        if (count >= Math.max(k, config.getInt(SegstreamConfig.SEED_USERS_CONFIG))) {
            seed(count, k, timestamp);
        }
    }

    private void seed(int count, int k, long timestamp) {
        List<double[]> raw = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ByteBuffer b = ByteBuffer.wrap(state.get("sample-" + i));
            double[] v = new double[b.remaining() / 4];
            for (int j = 0; j < v.length; j++) {
                v[j] = b.getFloat();
            }
            raw.add(v);
        }
        FeatureSpec spec =
                FeatureSpec.fit(
                        raw,
                        config.getDouble(SegstreamConfig.TEXT_WEIGHT_CONFIG),
                        deps.encoder().dimension());
        FeatureVectorizer vectorizer = new FeatureVectorizer(spec, config.profileSettings());
        List<double[]> points = raw.stream().map(vectorizer::scale).toList();
        long seed = config.getLong(SegstreamConfig.KMEANS_SEED_CONFIG);
        // users too alike for k segments (a new shop's first visitors, all of one landing page)
        // still get a model, with a segment per distinct profile; the first re-fit on a panel of
        // users who differ adds the rest. Waiting instead would fail at every later delta: each
        // task sends its sample once
        int distinct = KMeansPlusPlus.distinctCount(points, k);
        if (distinct < k) {
            LOG.warn(
                    "The {} seed users hold only {} distinct profiles: the first model has {}"
                            + " segments, and a re-fit adds up to segments.k={} as users differ",
                    count,
                    distinct,
                    distinct,
                    k);
        }
        // k-means++ seeds alone left two of the demo's five centres with a few dozen users each,
        // and the first re-fit then moved a fifth of everyone; a fit as a re-fit makes does not
        KMeansFit fit =
                KMeansPlusPlus.fit(
                        points,
                        distinct,
                        PanelRefit.RESTARTS,
                        seed,
                        PanelRefit.MAX_ITERATIONS,
                        PanelRefit.TOLERANCE);
        fit = segmentCount().resize(points, fit, seed);
        int fitted = fit.centers().size();
        List<double[]> centers = fit.centers();
        double[] weights = new double[fitted];
        for (int label : fit.labels()) {
            weights[label]++;
        }
        List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < fitted; i++) {
            clusters.add(new Cluster(i, centers.get(i), Math.max(1, weights[i])));
        }
        SegmentModel model =
                SegmentModels.seed(
                        spec,
                        clusters,
                        deps.encoderInfo(),
                        Instant.ofEpochMilli(timestamp),
                        seed,
                        distinct < k ? k : fitted);
        LOG.info("Seeded the first segment model: k={} from {} users", fitted, count);
        for (int i = 0; i < count; i++) {
            state.delete("sample-" + i);
        }
        state.delete(SAMPLE_COUNT_KEY);
        // above a model this instance refused (one of an older feature layout), so that it becomes
        // the store's current model
        publish(aboveGlobal(model), timestamp);
    }

    private SegmentCount segmentCount() {
        return new SegmentCount(
                config.getInt(SegstreamConfig.SEGMENTS_K_CONFIG),
                config.getDouble(SegstreamConfig.SEGMENTS_MIN_GAIN_CONFIG));
    }

    private void publish(SegmentModel model, long timestamp) {
        byte[] bytes = ModelCache.encode(model);
        state.put(MODEL_KEY, bytes);
        context.forward(
                new Record<>(
                        model.getOrigin() == ModelOrigin.ONLINE
                                ? ModelStoreUpdater.ONLINE_KEY
                                : ModelStoreUpdater.versionKey(model.getVersion()),
                        bytes,
                        timestamp));
        publishedVersion.set(model.getVersion());
        publishedSegments.set(model.getK());
        updates.increment();
    }
}

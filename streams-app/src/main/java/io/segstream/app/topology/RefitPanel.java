package io.segstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.model.PanelRefit;
import io.segstream.core.model.SegmentCount;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.SegmentModel;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's panel of users for online re-fits: the latest profiles of a fixed, hash-chosen
 * share of users, as the tasks send them, kept in the coordinator's state store and read as of the
 * coordinator's stream time when it re-fits. A re-fit fits the feature scaling and k-means++ with
 * restarts on the panel and keeps segment ids by matching the new centres to the current ones
 * (Hungarian). Deleted users leave the panel.
 *
 * <p>A re-fit is adopted only when it would move enough of the panel beyond what the current model
 * does ({@code kmeans.refit.min.moved.share}): each adopted re-fit is a new major version that
 * re-scores everyone, and one that finds the same structure would only shuffle the users near a
 * boundary.
 */
final class RefitPanel {

    static final String PREFIX = "panel/";
    static final String SIZE_KEY = "panel-size";
    static final String SINCE_REFIT_KEY = "scored-since-refit";

    private static final Logger LOG = LoggerFactory.getLogger(RefitPanel.class);

    private final KeyValueStore<String, byte[]> state;
    private final int capacity;
    private final long seed;
    private final ProfileSettings settings;
    private final double usersPerPanelUser;
    private final double margin;
    private final double minMovedShare;
    private final SegmentCount count;
    private final Counter declined;

    /**
     * When a re-fit is worth a new major version.
     *
     * @param margin the scoring hysteresis ({@code assignment.hysteresis})
     * @param minMovedShare the least share of the panel the re-fit must move
     * @param count how many segments a re-fit may hold
     */
    record Adoption(double margin, double minMovedShare, SegmentCount count) {}

    /**
     * @param sampleRate the share of users in the panel ({@code kmeans.refit.sample.rate}), so that
     *     a re-fit's centre weights estimate segment sizes in the whole population
     */
    RefitPanel(
            KeyValueStore<String, byte[]> state,
            int capacity,
            long seed,
            ProfileSettings settings,
            double sampleRate,
            Adoption adoption,
            MeterRegistry registry) {
        this.state = state;
        this.margin = adoption.margin();
        this.minMovedShare = adoption.minMovedShare();
        this.count = adoption.count();
        this.declined =
                Counter.builder("segstream.model.refits.declined")
                        .description(
                                "Re-fits not published because they would move less of the panel"
                                        + " than kmeans.refit.min.moved.share")
                        .register(registry);
        this.capacity = capacity;
        this.seed = seed;
        this.settings = settings;
        this.usersPerPanelUser = sampleRate > 0 ? 1 / Math.min(1, sampleRate) : 1;
    }

    /** Takes the delta's samples (newest state of each user) and forgets its deleted users. */
    void update(CentroidDelta delta) {
        int size = size();
        for (String user : delta.getForgetUsers()) {
            if (state.delete(PREFIX + user) != null) {
                size--;
            }
        }
        List<String> users = delta.getPanelUsers();
        List<ByteBuffer> profiles = delta.getPanelProfiles();
        for (int i = 0; i < Math.min(users.size(), profiles.size()); i++) {
            String key = PREFIX + users.get(i);
            boolean known = state.get(key) != null;
            if (!known && size >= capacity) {
                continue;
            }
            ByteBuffer b = profiles.get(i).duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            state.put(key, bytes);
            if (!known) {
                size++;
            }
        }
        state.put(SIZE_KEY, ByteBuffer.allocate(4).putInt(size).array());
    }

    /**
     * Counts a delta's scored events; true (and starts counting again) once {@code every} have been
     * counted since the last re-fit; 0 = never.
     */
    boolean refitDue(long scored, long every) {
        if (every <= 0) {
            return false;
        }
        byte[] bytes = state.get(SINCE_REFIT_KEY);
        long since =
                (bytes == null || bytes.length != 8 ? 0 : ByteBuffer.wrap(bytes).getLong())
                        + scored;
        boolean due = since >= every;
        state.put(SINCE_REFIT_KEY, ByteBuffer.allocate(8).putLong(due ? 0 : since).array());
        return due;
    }

    int size() {
        byte[] bytes = state.get(SIZE_KEY);
        return bytes == null ? 0 : ByteBuffer.wrap(bytes).getInt();
    }

    /**
     * The re-fit of {@code base} (whose major version began at {@code majorSince}) on the panel as
     * the next version, or null while the panel is too small for it or when the re-fit would move
     * too few of the panel to be worth adopting.
     */
    SegmentModel refit(SegmentModel base, long majorSince, Instant at) {
        int dimension = base.getTextEncoder().getDimension();
        long asOf = at.toEpochMilli();
        List<double[]> raw = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        try (var all = state.prefixScan(PREFIX, new StringSerializer())) {
            all.forEachRemaining(
                    kv -> {
                        UserProfile p = ProfileCodec.decode(kv.value);
                        // read as of now, as the tasks re-score their users on the new version
                        raw.add(
                                FeatureVectorizer.raw(
                                        p, Math.max(asOf, p.lastEventTime()), settings, dimension));
                        // an id given under an earlier major may name another group now
                        current.add(
                                p.modelVersion() >= majorSince
                                        ? p.segment()
                                        : UserProfile.NO_SEGMENT);
                    });
        }
        int[] segments = current.stream().mapToInt(Integer::intValue).toArray();
        SegmentModel model =
                PanelRefit.refit(
                        base,
                        raw,
                        segments,
                        settings,
                        seed + base.getVersion(),
                        at,
                        usersPerPanelUser,
                        count);
        if (model == null) {
            return null;
        }
        double moved = PanelRefit.movedShare(base, model, raw, segments, settings, margin);
        if (moved < minMovedShare) {
            declined.increment();
            LOG.info(
                    "Kept v{}: a re-fit on {} panel users would move {}% of them, under the {}%"
                            + " a new major version needs",
                    base.getVersion(),
                    raw.size(),
                    String.format(Locale.ROOT, "%.1f", 100 * moved),
                    String.format(Locale.ROOT, "%.1f", 100 * minMovedShare));
            return null;
        }
        LOG.info(
                "Re-fitted the model on {} panel users as v{} (major {}, {} segments), inertia {},"
                        + " moving {}% of them",
                raw.size(),
                model.getVersion(),
                model.getMajorVersion(),
                model.getK(),
                model.getProvenance().getMetrics().get("inertia"),
                String.format(Locale.ROOT, "%.1f", 100 * moved));
        return model;
    }
}

package io.segstream.app.topology;

import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task's sample of users for the first model: the first {@code kmeans.seed.users} users it sees,
 * held as profiles and vectorised only when sent, after a warm-up of event time, so that recency
 * and tenure vary across the sample as they do in the population then.
 */
final class SeedSampler {

    private final int seedUsers;
    private final long warmup;
    private final ProfileSettings settings;
    private final int textDimension;
    private final Map<String, UserProfile> pending = new LinkedHashMap<>();

    /** Users whose sample this task already sent: each counts once towards kmeans.seed.users. */
    private final Set<String> sent = new HashSet<>();

    private long firstEventTime = -1;

    SeedSampler(int seedUsers, long warmup, ProfileSettings settings, int textDimension) {
        this.seedUsers = seedUsers;
        this.warmup = warmup;
        this.settings = settings;
        this.textDimension = textDimension;
    }

    void observe(long eventTime) {
        if (firstEventTime < 0) {
            firstEventTime = eventTime;
        }
    }

    void offer(String user, UserProfile profile) {
        if (sent.contains(user)) {
            return;
        }
        if (sent.size() + pending.size() < seedUsers || pending.containsKey(user)) {
            pending.put(user, profile);
        }
    }

    int pending() {
        return pending.size();
    }

    boolean warmingUp(long streamTime) {
        return streamTime - firstEventTime < warmup;
    }

    /**
     * Raw feature vectors of the pending users read as of {@code streamTime}; empties the sample.
     */
    List<List<Double>> drain(long streamTime) {
        long asOf = Math.max(0, streamTime);
        List<List<Double>> samples = new ArrayList<>(pending.size());
        for (UserProfile p : pending.values()) {
            double[] raw =
                    FeatureVectorizer.raw(
                            p, Math.max(asOf, p.lastEventTime()), settings, textDimension);
            List<Double> list = new ArrayList<>(raw.length);
            for (double v : raw) {
                list.add(v);
            }
            samples.add(list);
        }
        sent.addAll(pending.keySet());
        pending.clear();
        return samples;
    }

    void forget(String user) {
        pending.remove(user);
    }

    /** A model exists: nothing more to sample. */
    void clear() {
        pending.clear();
    }
}

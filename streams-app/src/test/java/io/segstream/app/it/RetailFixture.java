package io.segstream.app.it;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.KMeansFit;
import io.segstream.core.clustering.KMeansPlusPlus;
import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.model.SegmentModels;
import io.segstream.core.profile.ProfileEvent;
import io.segstream.core.profile.ProfileEvents;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.ProfileUpdater;
import io.segstream.core.profile.UserProfile;
import io.segstream.core.testing.SharedData;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders of the first N customers of the real Online Retail data, and a model fitted on them
 * offline.
 */
final class RetailFixture {

    final List<OrderEvent> orders;
    final Set<String> customers;

    private RetailFixture(List<OrderEvent> orders, Set<String> customers) {
        this.orders = orders;
        this.customers = customers;
    }

    static RetailFixture firstCustomers(int n) throws Exception {
        OnlineRetail.Replay replay = OnlineRetail.read(SharedData.onlineRetailDev());
        Set<String> chosen = new LinkedHashSet<>();
        for (OrderEvent o : replay.orders()) {
            if (chosen.size() < n) {
                chosen.add(o.getUserId());
            }
        }
        List<OrderEvent> orders =
                replay.orders().stream().filter(o -> chosen.contains(o.getUserId())).toList();
        return new RetailFixture(orders, chosen);
    }

    /**
     * A k-means++ model over the customers' final profiles, built with the same core code as the
     * app.
     */
    SegmentModel offlineModel(
            TextEncoder encoder,
            EncoderInfo info,
            ProfileSettings settings,
            int k,
            double textWeight) {
        ProfileUpdater updater = new ProfileUpdater(settings);
        Map<String, UserProfile> profiles = new HashMap<>();
        long end = 0;
        for (OrderEvent o : orders) {
            ProfileEvent e = ProfileEvents.of(o);
            List<String> titles = e.texts();
            float[] text =
                    titles.isEmpty() ? null : ProfileUpdater.mean(encoder.encodeBatch(titles));
            updater.apply(profiles.computeIfAbsent(o.getUserId(), u -> new UserProfile()), e, text);
            end = Math.max(end, e.eventTime());
        }
        long asOf = end;
        List<double[]> raw =
                profiles.values().stream()
                        .map(p -> FeatureVectorizer.raw(p, asOf, settings, encoder.dimension()))
                        .toList();
        FeatureSpec spec = FeatureSpec.fit(raw, textWeight, encoder.dimension());
        FeatureVectorizer vectorizer = new FeatureVectorizer(spec, settings);
        KMeansFit fit = KMeansPlusPlus.fit(raw.stream().map(vectorizer::scale).toList(), k, 3, 7L);
        List<Cluster> clusters = new ArrayList<>();
        int[] sizes = new int[k];
        for (int label : fit.labels()) {
            sizes[label]++;
        }
        for (int i = 0; i < k; i++) {
            clusters.add(new Cluster(i, fit.centers().get(i), Math.max(1, sizes[i])));
        }
        return SegmentModels.seed(spec, clusters, info, Instant.ofEpochMilli(asOf), 7L);
    }
}

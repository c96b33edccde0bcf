package io.segstream.cli.report;

import io.segstream.cli.demo.DemoInput;
import io.segstream.cli.demo.SegmentTable;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.math.Pca;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.SegmentModels;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Turns what a demo run produced (profiles, changes, model versions) into {@link ReportData}. */
public final class ReportBuilder {

    /** Enough points to see the shape; more only make the page heavy. */
    static final int MAX_POINTS = 3000;

    private static final long DAY = 86_400_000L;

    /** How to say that a segment is high or low on a feature. */
    private static final Map<String, String[]> TRAITS =
            Map.ofEntries(
                    Map.entry(
                            "recency_months_log",
                            new String[] {"last bought long ago", "bought recently"}),
                    Map.entry("orders_log", new String[] {"orders often", "orders rarely"}),
                    Map.entry("spend_log", new String[] {"spends a lot", "spends little"}),
                    Map.entry(
                            "avg_order_value_log", new String[] {"large baskets", "small baskets"}),
                    Map.entry("views_log", new String[] {"browses a lot", "browses little"}),
                    Map.entry("searches_log", new String[] {"searches a lot", "rarely searches"}),
                    Map.entry("carts_log", new String[] {"fills carts", "rarely uses the cart"}),
                    Map.entry("return_rate", new String[] {"returns often", "seldom returns"}),
                    Map.entry(
                            "cart_conversion",
                            new String[] {"carts become orders", "abandons carts"}),
                    Map.entry(
                            "events_per_session_log",
                            new String[] {"long sessions", "short sessions"}),
                    Map.entry("mean_log_price", new String[] {"pricey products", "cheap products"}),
                    Map.entry(
                            "tenure_days_log",
                            new String[] {"long-standing customers", "new customers"}),
                    Map.entry(
                            "negative_reviews_log",
                            new String[] {"writes unhappy reviews", "no unhappy reviews"}),
                    Map.entry(
                            "review_negativity",
                            new String[] {"critical reviews", "approving reviews"}));

    private final ProfileSettings settings;

    public ReportBuilder(ProfileSettings settings) {
        this.settings = settings;
    }

    public ReportData build(
            DemoInput input,
            SegmentTable table,
            Map<String, UserProfile> profiles,
            List<SegmentChange> changes,
            List<SegmentModel> models,
            double seconds,
            int holds,
            Double personaAri,
            ReportData.Quality quality) {
        SegmentModel last =
                models.stream()
                        .max(Comparator.comparingLong(SegmentModel::getVersion))
                        .orElse(null);
        Map<String, double[]> vectors = new TreeMap<>();
        if (last != null) {
            FeatureVectorizer vectorizer =
                    ScoringModel.of(
                                    last,
                                    settings,
                                    last.getTextEncoder().getModelId(),
                                    last.getTextEncoder().getDimension())
                            .vectorizer();
            // read at the end of the data, as a re-fit and its re-score read them
            long end =
                    input.events().isEmpty()
                            ? 0
                            : input.events().get(input.events().size() - 1).time();
            profiles.forEach(
                    (user, p) -> {
                        if (p.segment() != UserProfile.NO_SEGMENT) {
                            vectors.put(
                                    user,
                                    vectorizer.vectorize(p, Math.max(end, p.lastEventTime())));
                        }
                    });
        }
        long events = input.events().size();
        ReportData.Summary summary =
                new ReportData.Summary(
                        events,
                        input.customers(),
                        seconds,
                        events / seconds,
                        holds,
                        last == null ? 0 : last.getVersion(),
                        models.size(),
                        last == null ? 0 : last.getK(),
                        changes.size(),
                        events == 0 ? "" : day(input.events().get(0).time()),
                        events == 0 ? "" : day(input.events().get((int) events - 1).time()),
                        personaAri);
        FeatureZScores z = FeatureZScores.of(vectors, profiles);
        List<ReportData.Segment> segments = new ArrayList<>();
        for (SegmentTable.Row r : table.rows()) {
            segments.add(
                    new ReportData.Segment(
                            r.segmentId(),
                            r.name(),
                            r.size(),
                            (double) r.size() / Math.max(1, table.users()),
                            r.meanRecencyDays(),
                            r.meanOrders(),
                            r.meanSpend(),
                            r.topTerms(),
                            r.changesIn(),
                            z.traits(r.segmentId()),
                            r.reviewerShare(),
                            Double.isNaN(r.reviewNegativity()) ? null : r.reviewNegativity()));
        }
        return new ReportData(
                "segstream segment report",
                input.source(),
                summary,
                segments,
                sizes(changes),
                projection(vectors, profiles, input.planted()),
                drift(models),
                z.heatmap(),
                personas(input.planted(), profiles, personaAri),
                quality);
    }

    /** Users per segment at the end of each day, replaying the changes in event-time order. */
    static ReportData.SizesOverTime sizes(List<SegmentChange> changes) {
        List<SegmentChange> sorted = new ArrayList<>(changes);
        sorted.sort(Comparator.comparing(SegmentChange::getEventTime));
        TreeSet<Integer> ids = new TreeSet<>();
        sorted.forEach(
                c -> {
                    if (c.getNewSegment() != null) ids.add(c.getNewSegment());
                });
        Map<Integer, List<Double>> series = new TreeMap<>();
        ids.forEach(id -> series.put(id, new ArrayList<>()));
        List<String> days = new ArrayList<>();
        Map<Integer, Long> size = new HashMap<>();
        int i = 0;
        while (i < sorted.size()) {
            long day = sorted.get(i).getEventTime().toEpochMilli() / DAY;
            while (i < sorted.size() && sorted.get(i).getEventTime().toEpochMilli() / DAY == day) {
                SegmentChange c = sorted.get(i++);
                if (c.getPreviousSegment() != null) {
                    size.merge(c.getPreviousSegment(), -1L, Long::sum);
                }
                if (c.getNewSegment() != null) {
                    size.merge(c.getNewSegment(), 1L, Long::sum);
                }
            }
            days.add(day(day * DAY));
            series.forEach((id, values) -> values.add((double) size.getOrDefault(id, 0L)));
        }
        List<ReportData.Series> out = new ArrayList<>();
        series.forEach((id, values) -> out.add(new ReportData.Series("segment " + id, values)));
        return new ReportData.SizesOverTime(days, out);
    }

    private static ReportData.Projection projection(
            Map<String, double[]> vectors,
            Map<String, UserProfile> profiles,
            Map<String, String> planted) {
        if (vectors.size() < 3) {
            return new ReportData.Projection(0, List.of());
        }
        List<String> users = new ArrayList<>(vectors.keySet());
        int step = Math.max(1, (users.size() + MAX_POINTS - 1) / MAX_POINTS);
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < users.size(); i += step) {
            shown.add(users.get(i));
        }
        Pca pca = Pca.fit(shown.stream().map(vectors::get).toList(), 2);
        double total = 0; // the variance of all dimensions together
        for (String u : shown) {
            double[] v = vectors.get(u);
            for (int j = 0; j < v.length; j++) {
                total += (v[j] - pca.mean()[j]) * (v[j] - pca.mean()[j]) / (shown.size() - 1);
            }
        }
        List<ReportData.Point> points = new ArrayList<>();
        for (String u : shown) {
            double[] xy = pca.project(vectors.get(u));
            points.add(
                    new ReportData.Point(
                            round(xy[0]),
                            round(xy[1]),
                            profiles.get(u).segment(),
                            u,
                            planted.get(u)));
        }
        double explained =
                (pca.explainedVariance()[0] + pca.explainedVariance()[1]) / Math.max(1e-12, total);
        return new ReportData.Projection(round(explained), points);
    }

    /**
     * Distance each centroid moved from the previous version, measured in the newer version's space
     * (the older centre mapped there through raw values when a re-fit changed the scaling).
     */
    ReportData.Drift drift(List<SegmentModel> models) {
        List<SegmentModel> sorted = new ArrayList<>(models);
        sorted.sort(Comparator.comparingLong(SegmentModel::getVersion));
        TreeSet<Integer> ids = new TreeSet<>();
        sorted.forEach(m -> m.getCentroids().forEach(c -> ids.add(c.getSegmentId())));
        Map<Integer, List<Double>> series = new TreeMap<>();
        ids.forEach(id -> series.put(id, new ArrayList<>()));
        List<Long> versions = new ArrayList<>();
        for (int v = 1; v < sorted.size(); v++) {
            SegmentModel prev = sorted.get(v - 1);
            SegmentModel cur = sorted.get(v);
            FeatureVectorizer from = vectorizer(prev);
            FeatureVectorizer to = vectorizer(cur);
            versions.add(cur.getVersion());
            for (int id : ids) {
                Centroid a = centroid(prev, id);
                Centroid b = centroid(cur, id);
                Double moved = null;
                if (a != null && b != null) {
                    double[] before = from.mapTo(to, SegmentModels.cluster(a).center());
                    moved = round(Math.sqrt(SegmentModels.cluster(b).squaredDistanceTo(before)));
                }
                series.get(id).add(moved);
            }
        }
        List<ReportData.Series> out = new ArrayList<>();
        series.forEach((id, values) -> out.add(new ReportData.Series("segment " + id, values)));
        return new ReportData.Drift(versions, out);
    }

    private FeatureVectorizer vectorizer(SegmentModel model) {
        return ScoringModel.of(
                        model,
                        settings,
                        model.getTextEncoder().getModelId(),
                        model.getTextEncoder().getDimension())
                .vectorizer();
    }

    private static ReportData.Personas personas(
            Map<String, String> planted, Map<String, UserProfile> profiles, Double ari) {
        if (planted.isEmpty() || ari == null) {
            return null;
        }
        List<String> names = planted.values().stream().distinct().sorted().toList();
        List<Integer> segments =
                profiles.values().stream()
                        .map(UserProfile::segment)
                        .filter(s -> s != UserProfile.NO_SEGMENT)
                        .distinct()
                        .sorted()
                        .toList();
        long[][] counts = new long[names.size()][segments.size()];
        planted.forEach(
                (user, persona) -> {
                    UserProfile p = profiles.get(user);
                    if (p != null && p.segment() != UserProfile.NO_SEGMENT) {
                        counts[names.indexOf(persona)][segments.indexOf(p.segment())]++;
                    }
                });
        return new ReportData.Personas(names, segments, counts, ari);
    }

    private static Centroid centroid(SegmentModel m, int id) {
        return m.getCentroids().stream()
                .filter(c -> c.getSegmentId() == id)
                .findFirst()
                .orElse(null);
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static String day(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC).toString();
    }

    /** Mean z-score of each behavioural feature per segment, against all scored users. */
    private record FeatureZScores(Map<Integer, double[]> bySegment) {

        static FeatureZScores of(Map<String, double[]> vectors, Map<String, UserProfile> profiles) {
            int b = BehaviourFeatures.NAMES.size();
            double[] mean = new double[b];
            double[] sq = new double[b];
            int n = vectors.size();
            for (double[] v : vectors.values()) {
                for (int j = 0; j < b; j++) {
                    mean[j] += v[j] / n;
                    sq[j] += v[j] * v[j] / n;
                }
            }
            Map<Integer, double[]> sums = new TreeMap<>();
            Map<Integer, Integer> counts = new HashMap<>();
            vectors.forEach(
                    (user, v) -> {
                        int s = profiles.get(user).segment();
                        double[] sum = sums.computeIfAbsent(s, x -> new double[b]);
                        counts.merge(s, 1, Integer::sum);
                        for (int j = 0; j < b; j++) {
                            double sd = Math.sqrt(Math.max(1e-12, sq[j] - mean[j] * mean[j]));
                            sum[j] += (v[j] - mean[j]) / sd;
                        }
                    });
            sums.forEach(
                    (s, sum) -> {
                        for (int j = 0; j < b; j++) sum[j] = round(sum[j] / counts.get(s));
                    });
            return new FeatureZScores(sums);
        }

        ReportData.FeatureHeatmap heatmap() {
            List<double[]> cells = new ArrayList<>();
            List<Integer> segments = new ArrayList<>(bySegment.keySet());
            for (int s = 0; s < segments.size(); s++) {
                double[] z = bySegment.get(segments.get(s));
                for (int j = 0; j < z.length; j++) {
                    cells.add(new double[] {j, s, z[j]});
                }
            }
            return new ReportData.FeatureHeatmap(BehaviourFeatures.NAMES, segments, cells);
        }

        /** The three features that set the segment most apart, in words. */
        List<String> traits(int segment) {
            double[] z = bySegment.get(segment);
            if (z == null) {
                return List.of();
            }
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < z.length; j++) {
                if (Math.abs(z[j]) >= 0.5) {
                    order.add(j);
                }
            }
            order.sort(Comparator.comparingDouble(j -> -Math.abs(z[j])));
            return order.stream()
                    .limit(3)
                    .map(j -> TRAITS.get(BehaviourFeatures.NAMES.get(j))[z[j] > 0 ? 0 : 1])
                    .toList();
        }
    }
}

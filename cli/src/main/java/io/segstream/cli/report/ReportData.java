package io.segstream.cli.report;

import io.segstream.app.runtime.QualityTimeline;
import java.util.List;

/**
 * Everything the HTML report shows, as plain values: serialised to JSON into the page, where the
 * charts are drawn from it.
 *
 * @param title page title
 * @param source what was replayed
 * @param summary headline figures
 * @param segments one card per segment, largest first
 * @param sizes segment sizes over event time
 * @param projection users in 2-D, coloured by segment
 * @param drift how far each centroid moved at each model version
 * @param features mean standardised behavioural features per segment
 * @param personas segments against planted personas; null for real data
 * @param quality the segments' quality at points of the replay
 */
public record ReportData(
        String title,
        String source,
        Summary summary,
        List<Segment> segments,
        SizesOverTime sizes,
        Projection projection,
        Drift drift,
        FeatureHeatmap features,
        Personas personas,
        Quality quality) {

    /** Headline figures of the run. */
    public record Summary(
            long events,
            long users,
            double seconds,
            double eventsPerSecond,
            int holds,
            long modelVersion,
            int modelVersions,
            int k,
            long changes,
            String dataFrom,
            String dataTo,
            Double personaAri) {}

    /** One segment as an analyst reads it. */
    public record Segment(
            int id,
            String name,
            long size,
            double share,
            double recencyDays,
            double orders,
            double spend,
            List<String> terms,
            long changesIn,
            List<String> traits,
            double reviewerShare,
            Double reviewNegativity) {}

    /** Users per segment at the end of each day of event time. */
    public record SizesOverTime(List<String> days, List<Series> series) {}

    /** A named line of numbers, one per x value. */
    public record Series(String name, List<Double> values) {}

    /** Users in the plane of the first two principal components of their feature vectors. */
    public record Projection(double explained, List<Point> points) {}

    /** One user in the projection. */
    public record Point(double x, double y, int segment, String user, String persona) {}

    /** Distance each centroid moved from one model version to the next. */
    public record Drift(List<Long> versions, List<Series> series) {}

    /** Mean z-score of each behavioural feature in each segment. */
    public record FeatureHeatmap(
            List<String> features, List<Integer> segments, List<double[]> cells) {}

    /**
     * At 25, 50 and 75 % of the replay's event time and at the end: the adjusted Rand index against
     * the planted personas (null entries for real data, or before anyone was scored) and the
     * segment changes per user so far.
     */
    public record Quality(List<String> points, List<Double> ari, List<Double> changesPerUser) {

        /** The demo's quality points; NaN (no personas, nobody scored yet) becomes null. */
        public static Quality of(List<QualityTimeline.Point> points) {
            return new Quality(
                    points.stream().map(QualityTimeline.Point::label).toList(),
                    points.stream()
                            .map(
                                    p ->
                                            Double.isNaN(p.ari())
                                                    ? null
                                                    : Math.round(p.ari() * 1000) / 1000.0)
                            .toList(),
                    points.stream()
                            .map(p -> Math.round(p.changesPerUser() * 100) / 100.0)
                            .toList());
        }
    }

    /** Users per planted persona and found segment. */
    public record Personas(
            List<String> personas, List<Integer> segments, long[][] counts, double ari) {}
}

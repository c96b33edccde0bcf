package io.segstream.cli.demo;

import io.micrometer.core.instrument.Counter;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.cli.report.ReportData;
import io.segstream.core.clustering.AdjustedRandIndex;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.profile.UserProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How good the segments are while the replay runs, not only at its end: when the app has applied
 * the events up to 25 %, 50 % and 75 % of the replay's event time, and once more at the end, the
 * adjusted Rand index against the planted personas (over users with at least {@value #MIN_EVENTS}
 * events by then) and the segment changes per user so far.
 *
 * <p>Events are produced in event-time order, so "applied as many events as the replay holds up to
 * time T" stands for "the stream has reached T"; partitions run a little apart, which this ignores.
 */
final class QualityTimeline {

    static final int MIN_EVENTS = 5;
    private static final double[] FRACTIONS = {0.25, 0.50, 0.75};

    /** The quality at one point of the replay; {@code ari} is NaN without planted personas. */
    record Point(String label, double ari, int scoredUsers, double changesPerUser) {}

    private final Map<String, String> planted;
    private final long[] thresholds = new long[FRACTIONS.length];
    private final List<Point> points = new ArrayList<>();

    QualityTimeline(List<ShopEvent> events, Map<String, String> planted) {
        this.planted = planted;
        if (events.isEmpty()) {
            return;
        }
        long first = events.get(0).time();
        long span = events.get(events.size() - 1).time() - first;
        for (int i = 0; i < FRACTIONS.length; i++) {
            long until = first + (long) (FRACTIONS[i] * span);
            thresholds[i] = events.stream().filter(e -> e.time() <= until).count();
        }
    }

    /** Takes the points the app has reached since the last call. */
    void poll(SegstreamApp app) {
        long applied = (long) counted(app, "segstream.events");
        while (points.size() < FRACTIONS.length && applied >= thresholds[points.size()]) {
            points.add(measure(app, Math.round(FRACTIONS[points.size()] * 100) + " %"));
        }
    }

    /** The last point, once the replay is processed and the model loop has settled. */
    void end(SegstreamApp app) {
        poll(app);
        points.add(measure(app, "end"));
    }

    List<Point> points() {
        return points;
    }

    /** The points for the report's chart; NaN (no personas, nobody scored yet) becomes null. */
    ReportData.Quality asReport() {
        return new ReportData.Quality(
                points.stream().map(Point::label).toList(),
                points.stream()
                        .map(
                                p ->
                                        Double.isNaN(p.ari())
                                                ? null
                                                : Math.round(p.ari() * 1000) / 1000.0)
                        .toList(),
                points.stream().map(p -> Math.round(p.changesPerUser() * 100) / 100.0).toList());
    }

    /** The demo's one line. */
    String line() {
        return points.stream()
                .map(
                        p ->
                                Double.isNaN(p.ari())
                                        ? String.format(
                                                Locale.ROOT,
                                                "%s %.2f changes/user",
                                                p.label(),
                                                p.changesPerUser())
                                        : String.format(
                                                Locale.ROOT,
                                                "%s ARI %.3f, %.2f changes/user",
                                                p.label(),
                                                p.ari(),
                                                p.changesPerUser()))
                .collect(Collectors.joining(" | "));
    }

    /**
     * The changes so far by type, e.g. "1,500 first assignments, 310 moved, 95 re-scored": moves at
     * events and aging are the customers' own; re-scores come from new major model versions.
     */
    static String byType(SegstreamApp app) {
        Map<String, Double> counts = new LinkedHashMap<>();
        app.registry()
                .find("segstream.segment.changes")
                .counters()
                .forEach(c -> counts.merge(c.getId().getTag("type"), c.count(), Double::sum));
        return String.format(
                Locale.ROOT,
                "%,.0f first assignments, %,.0f moved (events and aging), %,.0f re-scored by a new"
                        + " major version",
                counts.getOrDefault("FIRST_ASSIGNMENT", 0.0),
                counts.getOrDefault("MOVED", 0.0),
                counts.getOrDefault("RESCORED", 0.0));
    }

    private Point measure(SegstreamApp app, String label) {
        Map<String, UserProfile> profiles = new LinkedHashMap<>();
        try (var all = app.profileStore().all()) {
            all.forEachRemaining(kv -> profiles.put(kv.key, kv.value));
        }
        double changes = counted(app, "segstream.segment.changes");
        double perUser = profiles.isEmpty() ? 0 : changes / profiles.size();
        if (planted.isEmpty()) {
            return new Point(label, Double.NaN, 0, perUser);
        }
        List<String> users =
                profiles.entrySet().stream()
                        .filter(e -> e.getValue().eventCount() >= MIN_EVENTS)
                        .map(Map.Entry::getKey)
                        .filter(planted::containsKey)
                        .toList();
        Map<String, Integer> personaIds = new LinkedHashMap<>();
        int[] truth = new int[users.size()];
        int[] found = new int[users.size()];
        for (int i = 0; i < users.size(); i++) {
            truth[i] =
                    personaIds.computeIfAbsent(planted.get(users.get(i)), x -> personaIds.size());
            // not yet scored counts as a segment of its own: a miss, not a skip
            found[i] = profiles.get(users.get(i)).segment();
        }
        double ari = users.size() < 2 ? Double.NaN : AdjustedRandIndex.compute(truth, found);
        return new Point(label, ari, users.size(), perUser);
    }

    private static double counted(SegstreamApp app, String name) {
        return app.registry().find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}

package io.segstream.app.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.core.clustering.AdjustedRandIndex;
import io.segstream.core.profile.UserProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * How good the segments are while a replay runs, not only at its end: when the app has applied the
 * events up to 25 %, 50 % and 75 % of the replay's event time, and once more at the end, the
 * adjusted Rand index against the planted personas (over users with at least {@value #MIN_EVENTS}
 * events by then) and the segment changes per user so far. Used by the demo and the scale
 * benchmark.
 *
 * <p>Events are produced in event-time order, so "applied as many events as the replay holds up to
 * time T" stands for "the stream has reached T"; partitions run a little apart, which this ignores.
 */
public final class QualityTimeline {

    public static final int MIN_EVENTS = 5;
    private static final double[] FRACTIONS = {0.25, 0.50, 0.75};

    /** The quality at one point of the replay; {@code ari} is NaN without planted personas. */
    public record Point(String label, double ari, int scoredUsers, double changesPerUser) {}

    private final Function<String, String> planted;
    private final long[] thresholds;
    private final List<Point> points = new ArrayList<>();

    /**
     * @param thresholds the number of events up to 25, 50 and 75 % of the replay's event time (see
     *     {@link #thresholds})
     * @param planted each user's planted persona, null for a user without one; null when the replay
     *     has no personas
     */
    public QualityTimeline(long[] thresholds, Function<String, String> planted) {
        this.thresholds = thresholds.clone();
        this.planted = planted;
    }

    /**
     * The thresholds of a replay from {@code first} to {@code last} (event times), given how many
     * of its events are at or before a time.
     */
    public static long[] thresholds(long first, long last, LongUnaryOperator eventsUpTo) {
        long[] out = new long[FRACTIONS.length];
        for (int i = 0; i < FRACTIONS.length; i++) {
            out[i] = eventsUpTo.applyAsLong(first + (long) (FRACTIONS[i] * (last - first)));
        }
        return out;
    }

    /**
     * Where the figures are read: a running app, or a topology driven without a broker. {@code
     * counted} sums the counters of a metric name.
     */
    public record Source(
            ToDoubleFunction<String> counted,
            Supplier<KeyValueIterator<String, UserProfile>> profiles) {

        public static Source of(SegstreamApp app) {
            return new Source(name -> sum(app.registry(), name), () -> app.profileStore().all());
        }

        public static Source of(
                MeterRegistry registry, ReadOnlyKeyValueStore<String, UserProfile> store) {
            return new Source(name -> sum(registry, name), store::all);
        }
    }

    /** Takes the points the app has reached since the last call. */
    public void poll(SegstreamApp app) {
        poll(Source.of(app));
    }

    /** Takes the points {@code source} has reached since the last call. */
    public void poll(Source source) {
        long applied = (long) source.counted().applyAsDouble("segstream.events");
        while (points.size() < FRACTIONS.length && applied >= thresholds[points.size()]) {
            points.add(measure(source, Math.round(FRACTIONS[points.size()] * 100) + " %"));
        }
    }

    /** The last point, once the replay is processed and the model loop has settled. */
    public void end(SegstreamApp app) {
        end(Source.of(app));
    }

    /** As {@link #end(SegstreamApp)}, reading {@code source}. */
    public void end(Source source) {
        poll(source);
        points.add(measure(source, "end"));
    }

    public List<Point> points() {
        return points;
    }

    /** The points in one line. */
    public String line() {
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
    public static String byType(SegstreamApp app) {
        return byType(app.registry());
    }

    /** As {@link #byType(SegstreamApp)}, from the counters in {@code registry}. */
    public static String byType(MeterRegistry registry) {
        Map<String, Double> counts = new LinkedHashMap<>();
        registry.find("segstream.segment.changes")
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

    private Point measure(Source source, String label) {
        Map<String, UserProfile> profiles = new LinkedHashMap<>();
        try (var all = source.profiles().get()) {
            all.forEachRemaining(kv -> profiles.put(kv.key, kv.value));
        }
        double changes = source.counted().applyAsDouble("segstream.segment.changes");
        double perUser = profiles.isEmpty() ? 0 : changes / profiles.size();
        if (planted == null) {
            return new Point(label, Double.NaN, 0, perUser);
        }
        List<String> users =
                profiles.entrySet().stream()
                        .filter(e -> e.getValue().eventCount() >= MIN_EVENTS)
                        .map(Map.Entry::getKey)
                        .filter(u -> planted.apply(u) != null)
                        .toList();
        Map<String, Integer> personaIds = new LinkedHashMap<>();
        int[] truth = new int[users.size()];
        int[] found = new int[users.size()];
        for (int i = 0; i < users.size(); i++) {
            truth[i] =
                    personaIds.computeIfAbsent(planted.apply(users.get(i)), x -> personaIds.size());
            // not yet scored counts as a segment of its own: a miss, not a skip
            found[i] = profiles.get(users.get(i)).segment();
        }
        double ari = users.size() < 2 ? Double.NaN : AdjustedRandIndex.compute(truth, found);
        return new Point(label, ari, users.size(), perUser);
    }

    private static double sum(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}

package io.segstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.UserProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a task's profile store in bounded slices, so that no poll ever does work in proportion to
 * the number of users:
 *
 * <ul>
 *   <li>after a new major model version it re-scores every user not yet scored under it (users with
 *       events are re-scored at their next event anyway);
 *   <li>every {@code segments.aging.interval.ms} of stream time it scores every user as of the
 *       current stream time, so that a customer who stops buying drifts in recency and leaves their
 *       segment without any event (a time-based exit).
 * </ul>
 *
 * <p>The pass's position lives in a logged store, so a restart or a rebalance resumes it where it
 * stopped rather than starting over.
 */
final class RescoreSweep {

    private static final Logger LOG = LoggerFactory.getLogger(RescoreSweep.class);

    static final String CURSOR = "cursor";
    static final String TARGET = "target-major-since";
    static final String AGING = "aging";
    static final String DONE = "done-major-since";
    static final String LAST_AGING = "last-aging-start";

    private final KeyValueStore<String, UserProfile> profiles;
    private final KeyValueStore<String, String> state;
    private final SegmentScorer scorer;
    private final int maxUsers;
    private final long maxNanos;
    private final long agingInterval;
    private final LongSupplier nanoTime;
    private final String task;

    private final AtomicLong position = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong users = new AtomicLong();
    private final AtomicLong lastRescoreMillis = new AtomicLong(-1);
    private final List<Meter> meters = new ArrayList<>();
    private final Counter rescored;
    private final Counter aged;
    private final Counter passes;
    private long passStartNanos;
    private long passRescored;

    /**
     * Where re-scored profiles go besides the store: a re-fit keeps segment ids by where the panel
     * users are, and a user without events would otherwise show it a segment from before the last
     * re-fit.
     */
    private final PanelSampler panel;

    private final Learner learner;

    RescoreSweep(
            KeyValueStore<String, UserProfile> profiles,
            KeyValueStore<String, String> state,
            SegmentScorer scorer,
            PanelSampler panel,
            Learner learner,
            Settings settings,
            MeterRegistry registry,
            String task) {
        this.profiles = profiles;
        this.panel = panel;
        this.learner = learner;
        this.state = state;
        this.scorer = scorer;
        this.maxUsers = settings.maxUsers();
        this.maxNanos = settings.maxMillis() * 1_000_000L;
        this.agingInterval = settings.agingIntervalMs();
        this.nanoTime = settings.nanoTime();
        this.task = task;
        this.passStartNanos = nanoTime.getAsLong();
        meters.add(
                Gauge.builder("segstream.rescore.sweep.position", position, AtomicLong::get)
                        .description("Users the current sweep pass of a task has visited")
                        .tag("task", task)
                        .register(registry));
        meters.add(
                Gauge.builder(
                                "segstream.users.current.major.ratio",
                                this,
                                RescoreSweep::currentRatio)
                        .description(
                                "Share of a task's users scored under the current major model"
                                        + " version (an estimate while a re-score pass runs)")
                        .tag("task", task)
                        .register(registry));
        meters.add(
                Gauge.builder(
                                "segstream.rescore.sweep.last.rescore.seconds",
                                lastRescoreMillis,
                                m -> m.get() < 0 ? Double.NaN : m.get() / 1000.0)
                        .description(
                                "Wall-clock time a task's sweep took to re-score every user after"
                                        + " the last new major version")
                        .tag("task", task)
                        .register(registry));
        this.rescored =
                Counter.builder("segstream.rescore.sweep.users")
                        .description("Users the sweep scored, by reason")
                        .tag("reason", "new_major")
                        .register(registry);
        this.aged =
                Counter.builder("segstream.rescore.sweep.users")
                        .description("Users the sweep scored, by reason")
                        .tag("reason", "aging")
                        .register(registry);
        this.passes =
                Counter.builder("segstream.rescore.sweep.passes")
                        .description("Completed sweep passes over a task's users")
                        .register(registry);
    }

    /**
     * Where the users an aging pass scores go: the online mini-batch. Events alone would show it
     * customers only at recency 0, the moment they act, and pull every centre towards "just bought"
     * between re-fits, so that members crossed to a lapsing segment at every aging pass.
     */
    interface Learner {
        Learner NONE = (segment, x) -> {};

        void learn(int segment, double[] x);
    }

    /** The sweep's settings; {@code nanoTime} is the clock of the time budget. */
    record Settings(int maxUsers, long maxMillis, long agingIntervalMs, LongSupplier nanoTime) {}

    /** A new major version arrived: every user not yet scored under it counts as stale. */
    void newMajor() {
        users.set(profiles.approximateNumEntries());
        stale.set(users.get());
    }

    /** A user was scored under the current major outside the sweep (at an event). */
    void rescoredAtEvent() {
        stale.updateAndGet(s -> Math.max(0, s - 1));
    }

    /**
     * Runs one slice under {@code model}, whose major version began at {@code majorSince}; returns
     * the users visited.
     */
    int runSlice(ScoringModel model, long majorSince, long streamTime) {
        // read here, on the stream thread: the gauge must not touch the store from a scrape
        users.set(profiles.approximateNumEntries());
        long lastAging = getLong(LAST_AGING, -1);
        if (lastAging < 0 && streamTime >= 0) {
            // aging counts from the first stream time this task saw
            state.put(LAST_AGING, Long.toString(streamTime));
            lastAging = streamTime;
        }
        long target = getLong(TARGET, -1);
        if (target < 0) {
            boolean majorDue = getLong(DONE, 0) < majorSince;
            boolean agingDue =
                    agingInterval > 0 && lastAging >= 0 && streamTime - lastAging >= agingInterval;
            if (!majorDue && !agingDue) {
                return 0;
            }
            start(majorSince, agingDue);
            if (agingDue) {
                state.put(LAST_AGING, Long.toString(streamTime));
            }
        } else if (target < majorSince) {
            // a newer major arrived mid-pass: the users already passed need it too
            start(majorSince, Boolean.parseBoolean(state.get(AGING)));
        }
        return slice(model, majorSince, Boolean.parseBoolean(state.get(AGING)), streamTime);
    }

    private void start(long majorSince, boolean aging) {
        state.put(TARGET, Long.toString(majorSince));
        state.put(AGING, Boolean.toString(aging));
        state.delete(CURSOR);
        position.set(0);
        passRescored = 0;
        passStartNanos = nanoTime.getAsLong();
    }

    private int slice(ScoringModel model, long majorSince, boolean aging, long streamTime) {
        long deadline = nanoTime.getAsLong() + maxNanos;
        String cursor = state.get(CURSOR);
        String last = cursor;
        int visited = 0;
        boolean done = true;
        try (KeyValueIterator<String, UserProfile> it = profiles.range(cursor, null)) {
            while (it.hasNext()) {
                if (visited >= maxUsers || nanoTime.getAsLong() > deadline) {
                    done = false;
                    break;
                }
                KeyValue<String, UserProfile> kv = it.next();
                if (kv.key.equals(cursor)) {
                    continue;
                }
                visit(kv.key, kv.value, model, majorSince, aging, streamTime);
                last = kv.key;
                visited++;
            }
        }
        position.addAndGet(visited);
        if (!done) {
            state.put(CURSOR, last);
            return visited;
        }
        long millis = (nanoTime.getAsLong() - passStartNanos) / 1_000_000;
        stale.set(0);
        passes.increment();
        state.put(DONE, Long.toString(majorSince));
        state.delete(TARGET);
        state.delete(CURSOR);
        if (passRescored > 0 || !aging) {
            lastRescoreMillis.set(millis);
        }
        if (aging) {
            // a replay crosses a day of stream time every few seconds
            LOG.debug("Task {}: aging pass over {} users in {} ms", task, position.get(), millis);
        } else {
            LOG.info(
                    "Task {}: re-scored {} users under model v{} in {} ms",
                    task,
                    position.get(),
                    model.version(),
                    millis);
        }
        return visited;
    }

    private void visit(
            String user,
            UserProfile profile,
            ScoringModel model,
            long majorSince,
            boolean aging,
            long streamTime) {
        long now = Math.max(streamTime, profile.lastEventTime());
        if (!scorer.assignable(profile)) {
            return;
        }
        if (profile.segment() == UserProfile.NO_SEGMENT || profile.modelVersion() < majorSince) {
            // on the time basis the user's segment already has. With aging passes that is now: as
            // of their last event, a customer who lapsed months ago would look recent under every
            // new major, and the next aging pass would move them back. Without aging, segments are
            // as of the last event, which also keeps the result independent of when the sweep
            // reaches the user.
            long asOf = agingInterval > 0 ? now : profile.lastEventTime();
            // not taught to the mini-batch: the margin keeps some users in their old segment, and
            // a whole pass of them would pull the re-fitted centres back towards the old split
            scorer.score(user, profile, model, asOf, SegmentScorer.Reason.NEW_MAJOR);
            profiles.put(user, profile);
            panel.offer(user, profile);
            stale.updateAndGet(s -> Math.max(0, s - 1));
            rescored.increment();
            passRescored++;
        } else if (aging) {
            int before = profile.segment();
            double[] x = scorer.score(user, profile, model, now, SegmentScorer.Reason.AGING);
            learner.learn(profile.segment(), x);
            if (profile.segment() != before) {
                profiles.put(user, profile);
                panel.offer(user, profile);
            }
            aged.increment();
        }
    }

    /** Whether a re-score pass for {@code majorSince} is still to finish. */
    boolean pending(long majorSince) {
        return getLong(DONE, 0) < majorSince;
    }

    private double currentRatio() {
        long total = Math.max(1, users.get());
        return Math.max(0, 1.0 - (double) stale.get() / total);
    }

    private long getLong(String key, long absent) {
        String v = state.get(key);
        return v == null ? absent : Long.parseLong(v);
    }

    void close(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }
}

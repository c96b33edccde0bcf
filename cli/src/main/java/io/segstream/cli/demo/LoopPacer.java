package io.segstream.cli.demo;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.SegstreamApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Holds the demo's producer every {@code every} events until the model loop has caught up with
 * them: the app has processed the input, the coordinator has read the centroid deltas it made, and
 * every task scores with the latest published model. A replay squeezes months into seconds, so a
 * loop that trails the input by one second trails it by days of event time, and customers are
 * scored all that while by a model that has not seen their group; in a shop whose events arrive in
 * real time the loop trails by seconds of event time. Each hold waits at most {@code maxHold} for
 * the loop once the input is processed, so a loop that cannot catch up slows the demo down but
 * never stops it.
 */
final class LoopPacer {

    private static final long POLL_MILLIS = 10;

    /** How long a hold waits for the app to process what was sent before it gives up. */
    private static final Duration INPUT_LIMIT = Duration.ofSeconds(30);

    private final SegstreamApp app;
    private final ConsumerProgress progress;
    private final String group;
    private final List<List<String>> input;
    private final List<String> deltas;
    private final int every;
    private final Duration maxHold;
    private long heldNanos;
    private int holds;
    private int gaveUp;

    LoopPacer(SegstreamApp app, ConsumerProgress progress, int every, Duration maxHold) {
        SegstreamConfig config = app.config();
        this.app = app;
        this.progress = progress;
        this.group = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
        List<List<String>> s = new ArrayList<>();
        s.add(
                List.of(
                        config.topics().orders(),
                        config.topics().clicks(),
                        config.topics().reviews()));
        if (!ConsumerProgress.repartitionTopics(config).isEmpty()) {
            s.add(ConsumerProgress.repartitionTopics(config));
        }
        this.input = List.copyOf(s);
        this.deltas = List.of(config.topics().centroidDeltas());
        this.every = every;
        this.maxHold = maxHold;
    }

    /** Whether the producer should flush and {@link #hold()} after its {@code sent}-th event. */
    boolean due(int sent) {
        return every > 0 && sent % every == 0;
    }

    /**
     * Waits until the app has processed what was sent (and flushed), then at most {@code maxHold}
     * until the model loop has caught up with it.
     */
    void hold() throws Exception {
        long start = System.nanoTime();
        holds++;
        try {
            // waiting for the app's own pace is what a full input buffer does to any producer
            for (List<String> stage : input) {
                if (!await(() -> progress.caughtUp(group, stage), start + INPUT_LIMIT.toNanos())) {
                    return;
                }
            }
            long loopDeadline = System.nanoTime() + maxHold.toNanos();
            if (await(() -> progress.caughtUp(group, deltas), loopDeadline)) {
                await(() -> tasksOnLatestModel(app), loopDeadline);
            }
        } finally {
            heldNanos += System.nanoTime() - start;
        }
    }

    private boolean await(Check check, long deadline) throws Exception {
        while (!check.done()) {
            app.checkAlive();
            if (System.nanoTime() > deadline) {
                gaveUp++;
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    private interface Check {
        boolean done() throws Exception;
    }

    /** True when every task scores with the version the coordinator last published. */
    static boolean tasksOnLatestModel(SegstreamApp app) {
        var published = app.registry().find("segstream.model.version").gauge();
        long version = published == null ? 0 : (long) published.value();
        return app.registry().find("segstream.model.scoring.version").gauges().stream()
                .allMatch(g -> (long) g.value() == version);
    }

    int holds() {
        return holds;
    }

    /** How often and how long the producer was held, for the demo's rate line; empty if never. */
    String summary() {
        if (holds == 0) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                ", the producer held %d times (%.1f s in all%s) until the model loop caught up"
                        + " (--hold-every 0: never)",
                holds,
                heldNanos / 1e9,
                gaveUp == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; %d gave up after %.0f s",
                                gaveUp,
                                maxHold.toMillis() / 1e3));
    }
}

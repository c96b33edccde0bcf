package io.segstream.cli.demo;

import io.segstream.app.runtime.SegstreamApp;
import java.io.PrintWriter;
import java.util.Locale;

/** The demo's live progress line: events processed and sent, events/s, users, model, changes. */
final class ProgressLine {

    private static final int WIDTH = 30;

    private final SegstreamApp app;
    private final PrintWriter progress;
    private final int total;
    private final long users;
    private final long start = System.nanoTime();

    ProgressLine(SegstreamApp app, PrintWriter progress, int total, long users) {
        this.app = app;
        this.progress = progress;
        this.total = total;
        this.users = users;
    }

    long elapsedMillis() {
        return (System.nanoTime() - start) / 1_000_000;
    }

    double seconds() {
        return Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    }

    void print(int sent) {
        double processed = app.registry().get("segstream.events").counter().count();
        double changes =
                app.registry().find("segstream.segment.changes").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        var version = app.registry().find("segstream.model.version").gauge();
        var segments = app.registry().find("segstream.model.segments").gauge();
        int filled =
                (int)
                        Math.min(
                                WIDTH,
                                Math.round(
                                        WIDTH * Math.min(processed, total) / Math.max(1, total)));
        progress.printf(
                Locale.ROOT,
                "\r[%s%s] events %,d/%,d sent %,d · %,.0f ev/s · users %,d · segments %s · model v%s · changes %,d   ",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                (long) Math.min(processed, total),
                total,
                sent,
                processed / seconds(),
                users,
                segments == null ? "-" : String.format(Locale.ROOT, "%.0f", segments.value()),
                version == null ? "-" : String.format(Locale.ROOT, "%.0f", version.value()),
                (long) changes);
        progress.flush();
    }
}

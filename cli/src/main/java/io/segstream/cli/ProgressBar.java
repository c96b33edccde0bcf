package io.segstream.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar for long steps of the command line, redrawn at most 4 times a second. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    void update(long done) {
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.min(WIDTH, WIDTH * done / total);
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        out.printf(
                Locale.ROOT,
                "\r%s [%s%s] %,d/%,d · %,.0f/s   ",
                label,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                done / seconds);
        out.flush();
    }

    void done() {
        update(total);
        out.println();
        out.flush();
    }
}

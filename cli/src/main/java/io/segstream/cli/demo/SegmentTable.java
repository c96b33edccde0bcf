package io.segstream.cli.demo;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The demo's closing table: one row per segment, what it is and how it moved. */
public record SegmentTable(List<Row> rows, long users) {

    /**
     * One segment: size, recency/frequency/monetary means, what its customers buy, its name, the
     * share of its customers who wrote reviews and their mean review negativity (0 happy, 1
     * unhappy; NaN when nobody reviewed).
     */
    public record Row(
            int segmentId,
            String name,
            long size,
            double meanRecencyDays,
            double meanOrders,
            double meanSpend,
            List<String> topTerms,
            long changesIn,
            double reviewerShare,
            double reviewNegativity) {}

    public void print(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%-4s %-46s %7s %6s %9s %8s %10s %8s %8s %8s  %s%n",
                "seg",
                "name",
                "users",
                "share",
                "recency d",
                "orders",
                "spend",
                "changes",
                "reviewed",
                "negativ.",
                "top title terms");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "%-4d %-46s %7d %5.1f%% %9.0f %8.1f %10.0f %8d %7.0f%% %8s  %s%n",
                    r.segmentId(),
                    truncate(r.name(), 46),
                    r.size(),
                    100.0 * r.size() / Math.max(1, users),
                    r.meanRecencyDays(),
                    r.meanOrders(),
                    r.meanSpend(),
                    r.changesIn(),
                    100 * r.reviewerShare(),
                    Double.isNaN(r.reviewNegativity())
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f", r.reviewNegativity()),
                    String.join(", ", r.topTerms()));
        }
        out.flush();
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}

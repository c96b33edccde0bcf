package io.segstream.trainer;

import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.math.Pca;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The churn head's inputs for one fit: the behavioural features (without return_rate, which is in
 * {@link Group#RETURNS}), the overdue ratio, and the groups asked for. What needs fitting (the text
 * block's principal components, the BG/NBD parameters) is fitted on the training customers only,
 * then applied to any customer of any cut.
 */
final class ChurnFeatures {

    /** Feature groups that can be switched on, each measured against the head without it. */
    enum Group {
        /** Mean (log days) and coefficient of variation of the days between orders. */
        INTER_PURCHASE,
        /** BG/NBD expected purchases in the horizon (log). */
        BG_NBD,
        /** Order and spend rates of the last 90 days against the time before (log ratios). */
        TREND,
        /** Share of orders in the horizon's calendar window a year before, ± 30 days. */
        SEASON,
        /** return_rate and the share of value sent back. */
        RETURNS,
        /** The text block's first 16 principal components. */
        TEXT
    }

    /**
     * The groups the head uses: none. Measured over the repeated splits of the dev slice, paired
     * per split, none raised the head's mean AUC (the text block and returns lowered it), so none
     * is kept (docs/decisions.md, "The churn head: repeated splits"; ChurnFeatureAblationTest
     * measures it again).
     */
    static final Set<Group> KEPT = EnumSet.noneOf(Group.class);

    /** Principal components of the text block. */
    static final int TEXT_COMPONENTS = 16;

    /** The trend compares the last this many days with the time before. */
    static final int TREND_DAYS = 90;

    /** Seasonality: the horizon a year earlier, widened by this many days on each side. */
    static final int SEASON_MARGIN_DAYS = 30;

    static final long DAY = 86_400_000L;
    private static final double WEEK = 7.0 * DAY;
    private static final int BEHAVIOUR = BehaviourFeatures.NAMES.size();
    private static final int RETURN_RATE = BehaviourFeatures.NAMES.indexOf("return_rate");
    private static final int RECENCY = BehaviourFeatures.NAMES.indexOf("recency_months_log");
    private static final int ORDERS = BehaviourFeatures.NAMES.indexOf("orders_log");
    private static final int TENURE = BehaviourFeatures.NAMES.indexOf("tenure_days_log");

    private final Set<Group> groups;
    private final Pca text;
    private final BgNbd bgNbd;

    private ChurnFeatures(Set<Group> groups, Pca text, BgNbd bgNbd) {
        this.groups = groups;
        this.text = text;
        this.bgNbd = bgNbd;
    }

    /** Fits what the groups need on the customers {@code rows} of {@code set}. */
    static ChurnFeatures fit(TrainingSet set, int[] rows, Set<Group> groups) {
        Pca text = null;
        if (groups.contains(Group.TEXT)) {
            // 384 noisy inputs would drown the behavioural signal: the text block shrunk to its
            // main directions on the training customers
            List<double[]> blocks = new ArrayList<>();
            for (int i : rows) {
                double[] r = set.raw().get(i);
                blocks.add(Arrays.copyOfRange(r, BEHAVIOUR, r.length));
            }
            text = Pca.fit(blocks, Math.min(TEXT_COMPONENTS, rows.length - 1));
        }
        BgNbd bgNbd = null;
        if (groups.contains(Group.BG_NBD)) {
            List<BgNbd.Customer> customers = new ArrayList<>();
            for (int i : rows) {
                BgNbd.Customer c = customer(set.orders().get(i), set.asOf().toEpochMilli());
                if (c != null) {
                    customers.add(c);
                }
            }
            bgNbd = BgNbd.fit(customers);
        }
        return new ChurnFeatures(Set.copyOf(groups), text, bgNbd);
    }

    /** The model inputs of the customers {@code rows} of {@code set}, read at its cut. */
    List<double[]> rows(TrainingSet set, int[] rows) {
        List<double[]> out = new ArrayList<>(rows.length);
        for (int i : rows) {
            out.add(row(set, i));
        }
        return out;
    }

    /** Recency, frequency and spend alone: the baseline's inputs. */
    static List<double[]> rfm(TrainingSet set, int[] rows) {
        List<double[]> out = new ArrayList<>(rows.length);
        for (int i : rows) {
            out.add(Arrays.copyOf(set.raw().get(i), 3));
        }
        return out;
    }

    private double[] row(TrainingSet set, int i) {
        double[] r = set.raw().get(i);
        OrderHistory h = set.orders().get(i);
        long cut = set.asOf().toEpochMilli();
        List<Double> x = new ArrayList<>();
        for (int j = 0; j < BEHAVIOUR; j++) {
            if (j != RETURN_RATE) {
                x.add(r[j]);
            }
        }
        x.add(overdue(r));
        if (groups.contains(Group.INTER_PURCHASE)) {
            double[] gaps = gapDays(h);
            x.add(gaps.length == 0 ? Double.NaN : Math.log1p(mean(gaps)));
            x.add(gaps.length < 2 ? Double.NaN : coefficientOfVariation(gaps));
        }
        if (groups.contains(Group.BG_NBD)) {
            BgNbd.Customer c = customer(h, cut);
            double horizonWeeks = set.horizon().toMillis() / WEEK;
            x.add(c == null ? Double.NaN : Math.log1p(bgNbd.expectedPurchases(horizonWeeks, c)));
        }
        if (groups.contains(Group.TREND)) {
            double[] trend = trend(h, cut);
            x.add(trend[0]);
            x.add(trend[1]);
        }
        if (groups.contains(Group.SEASON)) {
            x.add(seasonShare(h, cut, set.horizon().toMillis()));
        }
        if (groups.contains(Group.RETURNS)) {
            x.add(r[RETURN_RATE]);
            double placed = Arrays.stream(h.amounts()).sum();
            x.add(placed + h.returned() > 0 ? h.returned() / (placed + h.returned()) : 0);
        }
        double[] out = new double[x.size() + (text == null ? 0 : text.components().length)];
        for (int j = 0; j < x.size(); j++) {
            out[j] = x.get(j);
        }
        if (text != null) {
            double[] t = text.project(Arrays.copyOfRange(r, BEHAVIOUR, r.length));
            System.arraycopy(t, 0, out, x.size(), t.length);
        }
        return out;
    }

    /**
     * How overdue the customer is: days since the last order over their mean days between orders
     * (tenure over orders), log.
     */
    static double overdue(double[] r) {
        double recency = BehaviourFeatures.recencyDays(r[RECENCY]);
        double orders = Math.expm1(r[ORDERS]);
        double tenure = Math.expm1(r[TENURE]);
        double gap = Math.max(1, tenure / Math.max(1, orders));
        return Math.log1p(recency / gap);
    }

    /**
     * The customer as BG/NBD sees them at {@code cut}, in weeks; null without an order. Orders on
     * one day count as one purchase, as in the paper's daily purchase periods.
     */
    static BgNbd.Customer customer(OrderHistory h, long cut) {
        if (h.size() == 0) {
            return null;
        }
        int days = 1;
        for (int k = 1; k < h.size(); k++) {
            if (Math.floorDiv(h.times()[k], DAY) != Math.floorDiv(h.times()[k - 1], DAY)) {
                days++;
            }
        }
        long first = h.times()[0];
        return new BgNbd.Customer(
                days - 1, (h.times()[h.size() - 1] - first) / WEEK, (cut - first) / WEEK);
    }

    /** Days between successive orders on different days. */
    static double[] gapDays(OrderHistory h) {
        double[] gaps = new double[Math.max(0, h.size() - 1)];
        int n = 0;
        for (int k = 1; k < h.size(); k++) {
            if (Math.floorDiv(h.times()[k], DAY) != Math.floorDiv(h.times()[k - 1], DAY)) {
                gaps[n++] = (h.times()[k] - h.times()[k - 1]) / (double) DAY;
            }
        }
        return Arrays.copyOf(gaps, n);
    }

    /**
     * Log ratios of the order rate and the spend rate in the last {@link #TREND_DAYS} days to the
     * rates before; unknown (NaN) for customers who had no time before that window.
     */
    static double[] trend(OrderHistory h, long cut) {
        if (h.size() == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        long split = cut - TREND_DAYS * DAY;
        double earlierDays = (split - h.times()[0]) / (double) DAY;
        if (earlierDays <= 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        // a short earlier span would make a rate from one order look huge
        earlierDays = Math.max(earlierDays, TREND_DAYS / 3.0);
        int recent = 0;
        int earlier = 0;
        double recentSpend = 0;
        double earlierSpend = 0;
        for (int k = 0; k < h.size(); k++) {
            if (h.times()[k] > split) {
                recent++;
                recentSpend += h.amounts()[k];
            } else {
                earlier++;
                earlierSpend += h.amounts()[k];
            }
        }
        return new double[] {
            Math.log((recent + 0.5) / TREND_DAYS) - Math.log((earlier + 0.5) / earlierDays),
            Math.log1p(recentSpend / TREND_DAYS) - Math.log1p(earlierSpend / earlierDays)
        };
    }

    /**
     * Share of the orders placed in (cut, cut + horizon] one year earlier, widened by {@link
     * #SEASON_MARGIN_DAYS} on each side: Christmas buyers come back at Christmas.
     */
    static double seasonShare(OrderHistory h, long cut, long horizonMillis) {
        if (h.size() == 0) {
            return Double.NaN;
        }
        long from = cut - 365 * DAY - SEASON_MARGIN_DAYS * DAY;
        long to = cut + horizonMillis - 365 * DAY + SEASON_MARGIN_DAYS * DAY;
        int in = 0;
        for (long t : h.times()) {
            if (t > from && t <= to) {
                in++;
            }
        }
        return (double) in / h.size();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double coefficientOfVariation(double[] v) {
        double m = mean(v);
        double ss = 0;
        for (double d : v) {
            ss += (d - m) * (d - m);
        }
        return m > 0 ? Math.sqrt(ss / (v.length - 1)) / m : 0;
    }
}

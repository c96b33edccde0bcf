package io.segstream.trainer;

import java.util.Arrays;

/**
 * One customer's placed orders up to the cut, oldest first, and what they sent back: what the churn
 * features (gaps between orders, BG/NBD, trends, seasonality, returns) are computed from.
 *
 * @param times when each order was placed (epoch milliseconds), ascending
 * @param amounts the value of each order (sum of quantity × unit price)
 * @param returned the value of everything returned up to the cut
 */
public record OrderHistory(long[] times, double[] amounts, double returned) {

    public static final OrderHistory NONE = new OrderHistory(new long[0], new double[0], 0);

    public int size() {
        return times.length;
    }

    /** Collects one customer's orders as they come, in event-time order. */
    static final class Builder {
        private long[] times = new long[4];
        private double[] amounts = new double[4];
        private int size;
        private double returned;

        void placed(long time, double amount) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                amounts = Arrays.copyOf(amounts, size * 2);
            }
            times[size] = time;
            amounts[size] = amount;
            size++;
        }

        void returned(double amount) {
            returned += amount;
        }

        OrderHistory build() {
            return new OrderHistory(
                    Arrays.copyOf(times, size), Arrays.copyOf(amounts, size), returned);
        }
    }
}

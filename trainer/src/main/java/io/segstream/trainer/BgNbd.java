package io.segstream.trainer;

import java.util.List;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of repeat buying (Fader, Hardie and Lee 2005, "Counting your customers the easy
 * way"): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α), and after each
 * repeat purchase drops out for good with probability p ~ Beta(a, b). Times are in whatever unit
 * the summaries use (the churn features use weeks).
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate (inverse scale) of the purchase-rate distribution
 * @param a first shape of the drop-out probability distribution
 * @param b second shape of the drop-out probability distribution
 */
public record BgNbd(double r, double alpha, double a, double b) {

    /**
     * One customer's history, as the model sees it.
     *
     * @param x repeat purchases (purchase periods after the first)
     * @param tx time from the first purchase to the last
     * @param age time from the first purchase to the end of observation (T in the paper)
     */
    public record Customer(int x, double tx, double age) {}

    private static final int MAX_EVALUATIONS = 20_000;

    /** Starting points of the fit, as logs of r, α, a and b. */
    private static final double[][] STARTS = {
        {0, 0, 0, 0}, {0, Math.log(10), Math.log(2), Math.log(5)}, {Math.log(0.3), 1, -1, 1}
    };

    /** Fits r, α, a and b by maximum likelihood (Nelder–Mead on their logs, so all stay > 0). */
    public static BgNbd fit(List<Customer> customers) {
        if (customers.isEmpty()) {
            throw new IllegalArgumentException("BG/NBD needs at least one customer");
        }
        ObjectiveFunction negativeLogLikelihood =
                new ObjectiveFunction(
                        p -> {
                            BgNbd m = fromLogs(p);
                            double sum = 0;
                            for (Customer c : customers) {
                                sum += m.logLikelihood(c);
                            }
                            double mean = -sum / customers.size();
                            // the simplex may wander to where the gamma functions overflow
                            return Double.isFinite(mean) ? mean : Double.MAX_VALUE;
                        });
        SimplexOptimizer optimizer = new SimplexOptimizer(1e-12, 1e-12);
        PointValuePair best = null;
        // the likelihood can be flat towards a boundary (a, b -> 0: nobody drops out), so a few
        // starts on either side of it, each restarted where it stopped (Nelder-Mead can stall on
        // a ridge), and the most likely end point wins
        for (double[] start : STARTS) {
            double[] point = start;
            PointValuePair end = null;
            for (int round = 0; round < 3; round++) {
                end =
                        optimizer.optimize(
                                new MaxEval(MAX_EVALUATIONS),
                                negativeLogLikelihood,
                                GoalType.MINIMIZE,
                                new InitialGuess(point),
                                new NelderMeadSimplex(4, 0.5));
                point = end.getPoint();
            }
            if (best == null || end.getValue() < best.getValue()) {
                best = end;
            }
        }
        return fromLogs(best.getPoint());
    }

    private static BgNbd fromLogs(double[] p) {
        return new BgNbd(Math.exp(p[0]), Math.exp(p[1]), Math.exp(p[2]), Math.exp(p[3]));
    }

    /** The log-likelihood of one customer's (x, t_x, T), equation (6) of the paper. */
    public double logLikelihood(Customer c) {
        int x = c.x();
        double a1 = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha);
        double a2 = Beta.logBeta(a, b + x) - Beta.logBeta(a, b);
        double a3 = -(r + x) * Math.log(alpha + c.age());
        if (x == 0) {
            return a1 + a2 + a3;
        }
        double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + c.tx());
        // log(e^a3 + e^a4) without overflow
        double top = Math.max(a3, a4);
        return a1 + a2 + top + Math.log(Math.exp(a3 - top) + Math.exp(a4 - top));
    }

    /**
     * The expected number of purchases in the next {@code t} given the customer's history, E[X(t) |
     * x, t_x, T], equation (10) of the paper. Unlike P(alive), which is 1 for everyone who bought
     * once, it ranks one-time buyers by how long ago they bought. It is finite for a ≠ 1 (at a = 1
     * it is 0/0 with a finite limit, which this code does not take).
     */
    public double expectedPurchases(double t, Customer c) {
        int x = c.x();
        double age = c.age();
        double z = t / (alpha + age + t);
        double decay = Math.exp((r + x) * Math.log((alpha + age) / (alpha + age + t)));
        double numerator =
                (a + b + x - 1)
                        / (a - 1)
                        * (1 - decay * hypergeometric2F1(r + x, b + x, a + b + x - 1, z));
        double denominator =
                x == 0
                        ? 1
                        : 1
                                + a
                                        / (b + x - 1)
                                        * Math.exp(
                                                (r + x)
                                                        * Math.log(
                                                                (alpha + age) / (alpha + c.tx())));
        return numerator / denominator;
    }

    /**
     * The Gaussian hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1, by its power series Σ
     * (a)_k (b)_k / (c)_k z^k / k!. The ratio of successive terms, (a+k)(b+k) z / ((c+k)(k+1)),
     * tends to z, so the series converges geometrically for z < 1 (here z = t / (α + T + t), always
     * below 1); it is slow only when z is near 1, and large a, b make the terms grow before they
     * shrink, so the sum stops on a relative tolerance once the terms are past their peak.
     */
    static double hypergeometric2F1(double a, double b, double c, double z) {
        if (z < 0 || z >= 1) {
            throw new IllegalArgumentException("2F1 series needs 0 <= z < 1, was " + z);
        }
        double term = 1;
        double sum = 1;
        for (int k = 0; k < 1_000_000; k++) {
            double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            term *= ratio;
            sum += term;
            if (Math.abs(term) <= 1e-15 * Math.abs(sum) && Math.abs(ratio) < 1) {
                return sum;
            }
        }
        throw new ArithmeticException(
                "2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
    }
}

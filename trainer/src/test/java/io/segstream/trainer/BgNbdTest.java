package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class BgNbdTest {

    /** The CDNOW estimates of the paper (weeks). */
    private static final BgNbd CDNOW = new BgNbd(0.243, 4.414, 0.793, 2.426);

    @Test
    void shouldRecoverTheParametersOfSimulatedCustomers() {
        List<BgNbd.Customer> customers = simulate(CDNOW, 6000, 52, 7);

        BgNbd fit = BgNbd.fit(customers);

        System.out.println("BG/NBD fitted on simulated customers: " + fit);
        assertThat(fit.r()).isCloseTo(CDNOW.r(), within(0.2 * CDNOW.r()));
        assertThat(fit.alpha()).isCloseTo(CDNOW.alpha(), within(0.3 * CDNOW.alpha()));
        // a and b are less well identified one by one; their mean, the drop-out probability, is
        double dropOut = fit.a() / (fit.a() + fit.b());
        double trueDropOut = CDNOW.a() / (CDNOW.a() + CDNOW.b());
        assertThat(dropOut).isCloseTo(trueDropOut, within(0.3 * trueDropOut));
        double atFit = customers.stream().mapToDouble(fit::logLikelihood).sum();
        double atTruth = customers.stream().mapToDouble(CDNOW::logLikelihood).sum();
        assertThat(atFit)
                .as("the maximum is at least as likely as the truth")
                .isGreaterThan(atTruth);
    }

    @Test
    void shouldExpectMorePurchasesFromMoreFrequentBuyersAtTheSameRecency() {
        // a recent last purchase: after a long silence a frequent buyer is more likely gone than
        // an occasional one, and the count falls with x again (a property of the model)
        double previous = CDNOW.expectedPurchases(13, new BgNbd.Customer(0, 0, 39));
        for (int x = 1; x <= 20; x++) {
            double expected = CDNOW.expectedPurchases(13, new BgNbd.Customer(x, 38, 39));
            assertThat(expected).isGreaterThan(previous);
            previous = expected;
        }
    }

    @Test
    void shouldExpectFewerPurchasesTheLongerARepeatBuyerHasBeenAway() {
        double recent = CDNOW.expectedPurchases(13, new BgNbd.Customer(5, 38, 39));
        double lapsed = CDNOW.expectedPurchases(13, new BgNbd.Customer(5, 10, 39));
        assertThat(recent).isGreaterThan(2 * lapsed);
    }

    @Test
    void shouldMatchTheExpectedCountOfThePaperForACdnowCustomer() {
        // the paper's worked example: x = 2, t_x = 30.43, T = 38.86, E[X(39)] = 1.226
        double expected = CDNOW.expectedPurchases(39, new BgNbd.Customer(2, 30.43, 38.86));
        assertThat(expected).isCloseTo(1.226, within(0.01));
    }

    @Test
    void shouldMatchClosedFormsOfTheHypergeometricSeries() {
        for (double z : new double[] {0.0, 0.1, 0.5, 0.9, 0.99}) {
            double log = z == 0 ? 1 : -Math.log(1 - z) / z;
            assertThat(BgNbd.hypergeometric2F1(1, 1, 2, z)).isCloseTo(log, within(1e-10 * log));
            double power = Math.pow(1 - z, -2.5);
            assertThat(BgNbd.hypergeometric2F1(2.5, 3.7, 3.7, z))
                    .isCloseTo(power, within(1e-10 * power));
        }
        double s = 0.6;
        assertThat(BgNbd.hypergeometric2F1(0.5, 0.5, 1.5, s * s))
                .isCloseTo(Math.asin(s) / s, within(1e-12));
    }

    @Test
    void shouldRefuseTheSeriesWhereItDoesNotConverge() {
        assertThatThrownBy(() -> BgNbd.hypergeometric2F1(1, 1, 2, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("z < 1");
    }

    /**
     * Customers who buy at Poisson rate λ ~ Gamma(r, α) from a first purchase at 0 and drop out
     * after each repeat purchase with probability p ~ Beta(a, b), observed for 0.5..1 × {@code
     * weeks}.
     */
    static List<BgNbd.Customer> simulate(BgNbd m, int n, double weeks, long seed) {
        RandomGenerator random = new Well19937c(seed);
        GammaDistribution rates = new GammaDistribution(random, m.r(), 1 / m.alpha());
        BetaDistribution dropOuts = new BetaDistribution(random, m.a(), m.b());
        List<BgNbd.Customer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double lambda = rates.sample();
            double p = dropOuts.sample();
            double age = weeks * (0.5 + 0.5 * random.nextDouble());
            double t = 0;
            int x = 0;
            double tx = 0;
            while (true) {
                t += -Math.log(1 - random.nextDouble()) / lambda;
                if (t > age) {
                    break;
                }
                x++;
                tx = t;
                if (random.nextDouble() < p) {
                    break;
                }
            }
            out.add(new BgNbd.Customer(x, tx, age));
        }
        return out;
    }
}

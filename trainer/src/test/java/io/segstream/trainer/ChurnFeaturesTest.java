package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.features.BehaviourFeatures;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChurnFeaturesTest {

    private static final long DAY = ChurnFeatures.DAY;
    private static final long CUT = Instant.parse("2011-09-01T00:00:00Z").toEpochMilli();

    @Test
    void shouldSummariseACustomerForBgNbdInWeeksWithOneOrderADay() {
        // two orders on the first day, one 14 days later, cut 28 days after the first
        long first = CUT - 28 * DAY;
        OrderHistory h =
                new OrderHistory(
                        new long[] {first, first + 3_600_000L, first + 14 * DAY},
                        new double[] {10, 20, 30},
                        0);

        BgNbd.Customer c = ChurnFeatures.customer(h, CUT);

        assertThat(c.x()).as("repeat purchase days").isEqualTo(1);
        assertThat(c.tx()).isCloseTo(2.0, within(1e-9));
        assertThat(c.age()).isCloseTo(4.0, within(1e-9));
        assertThat(ChurnFeatures.gapDays(h)).containsExactly(14.0 - 1.0 / 24);
        assertThat(ChurnFeatures.customer(OrderHistory.NONE, CUT)).isNull();
    }

    @Test
    void shouldCountTheOrdersInLastYearsHorizonWindowAsTheSeason() {
        long horizon = 90 * DAY;
        OrderHistory h =
                new OrderHistory(
                        new long[] {
                            CUT - 365 * DAY - 40 * DAY, // before the widened window
                            CUT - 365 * DAY + 45 * DAY, // a year before the horizon's middle
                            CUT - 10 * DAY
                        },
                        new double[] {1, 1, 1},
                        0);

        assertThat(ChurnFeatures.seasonShare(h, CUT, horizon)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void shouldSeeARisingTrendWhenTheLastNinetyDaysAreBusier() {
        long[] rising = {CUT - 300 * DAY, CUT - 60 * DAY, CUT - 40 * DAY, CUT - 20 * DAY};
        long[] falling = {CUT - 300 * DAY, CUT - 280 * DAY, CUT - 260 * DAY, CUT - 20 * DAY};
        double[] amounts = {100, 100, 100, 100};

        double[] up = ChurnFeatures.trend(new OrderHistory(rising, amounts, 0), CUT);
        double[] down = ChurnFeatures.trend(new OrderHistory(falling, amounts, 0), CUT);

        assertThat(up[0]).isGreaterThan(0).isGreaterThan(down[0]);
        assertThat(up[1]).isGreaterThan(down[1]);
        double[] newcomer =
                ChurnFeatures.trend(
                        new OrderHistory(new long[] {CUT - 10 * DAY}, new double[] {5}, 0), CUT);
        assertThat(newcomer[0]).as("no time before the window: unknown").isNaN();
    }

    @Test
    void shouldReadTheOverdueRatioFromRecencyOrdersAndTenureByName() {
        // 4 orders in 120 days: one every 30 days; the last 45 days ago, 1.5 gaps overdue
        double[] r = new double[BehaviourFeatures.NAMES.size()];
        Arrays.fill(r, 7.0);
        r[BehaviourFeatures.NAMES.indexOf("recency_months_log")] = BehaviourFeatures.recency(45);
        r[BehaviourFeatures.NAMES.indexOf("orders_log")] = Math.log1p(4);
        r[BehaviourFeatures.NAMES.indexOf("tenure_days_log")] = Math.log1p(120);

        assertThat(ChurnFeatures.overdue(r)).isCloseTo(Math.log1p(1.5), within(1e-9));
    }
}

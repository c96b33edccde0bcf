package io.segstream.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.segstream.core.features.BehaviourFeatures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileUpdaterTest {

    private static final long T0 = Instant.parse("2011-03-01T10:00:00Z").toEpochMilli();
    private static final long HALF_LIFE = Duration.ofDays(90).toMillis();
    private static final long MINUTE = 60_000L;
    private static final long DAY = 86_400_000L;

    private final ProfileSettings settings = ProfileSettings.defaults();
    private final ProfileUpdater updater = new ProfileUpdater(settings);

    @Test
    void shouldHalveACountAfterExactlyOneHalfLifeOfEventTime() {
        UserProfile p = new UserProfile();
        updater.apply(p, view(T0, null), null);
        updater.apply(p, view(T0, null), null);
        assertThat(p.views()).isEqualTo(2.0f);

        updater.apply(p, order(T0 + HALF_LIFE, 100), null);

        assertThat(p.views()).isCloseTo(1.0f, within(1e-6f));
        assertThat(p.orders()).isEqualTo(1.0f);
        assertThat(p.lastEventTime()).isEqualTo(T0 + HALF_LIFE);
        // reading the profile one more half-life later halves it again
        double[] later = BehaviourFeatures.of(p, T0 + 2 * HALF_LIFE, settings);
        assertThat(later[BehaviourFeatures.NAMES.indexOf("views_log")])
                .isCloseTo(Math.log1p(0.5), within(1e-6));
        assertThat(later[BehaviourFeatures.NAMES.indexOf("orders_log")])
                .isCloseTo(Math.log1p(0.5), within(1e-6));
        assertThat(settings.decay(HALF_LIFE)).isEqualTo(0.5);
    }

    @Test
    void shouldMeasureRecencyFromTheLastOrderOnEventTime() {
        UserProfile p = new UserProfile();
        updater.apply(p, view(T0 - 20 * DAY, null), null);
        updater.apply(p, order(T0, 40), null);
        updater.apply(p, view(T0 + 10 * DAY, null), null);
        // a late order does not move the last order back
        updater.apply(p, order(T0 - 5 * DAY, 15), null);

        assertThat(p.lastOrderTime()).isEqualTo(T0);
        double[] f = BehaviourFeatures.of(p, T0 + 10 * DAY, settings);
        assertThat(f[BehaviourFeatures.NAMES.indexOf("recency_months_log")])
                .isCloseTo(Math.log1p(10 / 30.0), within(1e-9));
        assertThat(f[BehaviourFeatures.NAMES.indexOf("tenure_days_log")])
                .isCloseTo(Math.log1p(30), within(1e-9));
        // read later, recency grows with event time, not with arrival
        double[] later = BehaviourFeatures.of(p, T0 + 40 * DAY, settings);
        assertThat(later[BehaviourFeatures.NAMES.indexOf("recency_months_log")])
                .isCloseTo(Math.log1p(40 / 30.0), within(1e-9));
    }

    @Test
    void shouldDownWeightALateEventByItsAgeAndGiveTheSameProfileInEitherOrder() {
        UserProfile inOrder = new UserProfile();
        updater.apply(inOrder, view(T0, null), null);
        updater.apply(inOrder, order(T0 + HALF_LIFE, 80), null);

        UserProfile late = new UserProfile();
        updater.apply(late, order(T0 + HALF_LIFE, 80), null);
        updater.apply(late, view(T0, null), null);

        assertThat(late.views()).isCloseTo(0.5f, within(1e-6f));
        assertThat(late.lastEventTime()).isEqualTo(T0 + HALF_LIFE);
        assertThat(late.firstEventTime()).isEqualTo(T0);
        assertThat(late.views()).isCloseTo(inOrder.views(), within(1e-6f));
        assertThat(late.orders()).isCloseTo(inOrder.orders(), within(1e-6f));
        assertThat(late.spend()).isCloseTo(inOrder.spend(), within(1e-2f));
        assertThat(late.sessionEvents()).isCloseTo(inOrder.sessionEvents(), within(1e-6f));

        // a late order adds its spend at the weight it has left
        updater.apply(late, order(T0, 100), null);
        assertThat(late.spend()).isCloseTo(80 + 50, within(1e-3f));
        assertThat(late.orders()).isCloseTo(1.5f, within(1e-6f));
    }

    @Test
    void shouldReduceSpendOnReturnsAndCancellationsButNotBelowZero() {
        UserProfile p = new UserProfile();
        updater.apply(p, order(T0, 100), null);
        updater.apply(p, event(EventKind.RETURN, T0, null, List.of(), Double.NaN, 30), null);
        assertThat(p.spend()).isEqualTo(70f);
        assertThat(p.returns()).isEqualTo(1f);
        assertThat(p.orders()).isEqualTo(1f);

        updater.apply(p, event(EventKind.CANCEL, T0, null, List.of(), Double.NaN, 20), null);
        assertThat(p.spend()).isEqualTo(50f);
        assertThat(p.cancels()).isEqualTo(1f);

        updater.apply(p, event(EventKind.RETURN, T0, null, List.of(), Double.NaN, 500), null);
        assertThat(p.spend()).isZero();
        double[] f = BehaviourFeatures.of(p, T0, settings);
        assertThat(f[BehaviourFeatures.NAMES.indexOf("return_rate")]).isEqualTo(3.0 / 2.0);
    }

    @Test
    void shouldSplitSessionsByTheInactivityGapWhenThereIsNoSessionId() {
        UserProfile p = new UserProfile();
        updater.apply(p, view(T0, null), null);
        updater.apply(p, view(T0 + 10 * MINUTE, null), null);
        updater.apply(p, view(T0 + 40 * MINUTE, null), null); // 30 min gap: same session
        assertThat(p.sessions()).isCloseTo(1f, within(1e-2f));

        updater.apply(p, view(T0 + 71 * MINUTE, null), null); // 31 min gap: a new session

        assertThat(p.sessions()).isCloseTo(2f, within(1e-2f));
        assertThat(p.sessionEvents()).isCloseTo(4f, within(1e-2f));
        assertThat(p.sessionMillis()).isCloseTo(40 * MINUTE, withinPercentage(1));
        // orders are not clicks: they neither open nor extend a session
        updater.apply(p, order(T0 + 200 * MINUTE, 10), null);
        assertThat(p.sessions()).isCloseTo(2f, within(1e-2f));
    }

    @Test
    void shouldSplitSessionsBySessionIdRegardlessOfTheGap() {
        UserProfile p = new UserProfile();
        updater.apply(p, view(T0, "s-1"), null);
        updater.apply(p, view(T0 + MINUTE, "s-2"), null); // new id within the gap
        assertThat(p.sessions()).isCloseTo(2f, within(1e-2f));

        updater.apply(p, view(T0 + 120 * MINUTE, "s-2"), null); // same id after the gap

        assertThat(p.sessions()).isCloseTo(2f, within(1e-2f));
        assertThat(p.sessionEvents()).isCloseTo(3f, within(1e-2f));
    }

    @Test
    void shouldNotLetALateClickOfAnEarlierSessionSplitTheOpenSession() {
        UserProfile p = new UserProfile();
        updater.apply(p, view(T0, "s-1"), null);
        updater.apply(p, view(T0 + 60 * MINUTE, "s-2"), null);
        assertThat(p.sessions()).isCloseTo(2f, within(1e-2f));

        updater.apply(p, view(T0 + 30 * MINUTE, "s-1"), null); // arrives late
        updater.apply(p, view(T0 + 65 * MINUTE, "s-2"), null);

        assertThat(p.sessions()).isCloseTo(2f, within(1e-2f));
        assertThat(p.sessionEvents()).isCloseTo(4f, within(1e-2f));
    }

    @Test
    void shouldKeepTheHeaviestCategories() {
        UserProfile p = new UserProfile();
        long t = T0;
        for (String c : List.of("Home", "Home", "Home", "Garden", "Garden", "Toys", "Toys")) {
            updater.apply(p, categoryView(t += MINUTE, c), null);
        }
        updater.apply(p, categoryView(t += MINUTE, "Bags"), null);
        assertThat(p.categories()).containsExactly("Home", "Garden", "Toys", "Bags");

        // full: a newcomer takes the place of the lightest (older, so decayed: it loses a tie)
        updater.apply(p, categoryView(t += MINUTE, "Stationery"), null);
        assertThat(p.categories()).containsExactly("Home", "Garden", "Toys", "Stationery");
        updater.apply(p, categoryView(t += MINUTE, "Kitchen"), null);
        updater.apply(p, categoryView(t += MINUTE, "Kitchen"), null);
        assertThat(p.categories()).containsExactly("Home", "Garden", "Toys", "Kitchen");

        // but never the place of a heavier one
        updater.apply(p, categoryView(t += MINUTE, "Lighting"), null);
        assertThat(p.categories()).containsExactly("Home", "Garden", "Toys", "Kitchen");
        assertThat(p.categoryWeights()[0]).isCloseTo(3f, within(1e-3f));
        assertThat(p.categoryWeights()[3]).isCloseTo(2f, within(1e-3f));
    }

    @Test
    void shouldAverageTheTextEmbeddingsWeightedByWhatTheCustomerDid() {
        UserProfile p = new UserProfile();
        float[] viewed = {1, 0, 0, 0};
        float[] bought = {0, 1, 0, 0};
        updater.apply(p, event(EventKind.VIEW, T0, null, List.of(), 2.5, 0, "mug"), viewed);
        updater.apply(p, event(EventKind.ORDER, T0, null, List.of(), 2.5, 2.5, "bowl"), bought);
        updater.apply(
                p,
                event(EventKind.RETURN, T0, null, List.of(), 2.5, 2.5, "bowl"),
                new float[] {0, 0, 1, 0});

        // buying weighs 3, viewing 1, returning 0
        assertThat(p.text()).containsExactly(0.25f, 0.75f, 0f, 0f);
        assertThat(p.textWeight()).isEqualTo(4f);
    }

    @Test
    void shouldAverageThePriceLevelOverViewsAndOrdersButNotReturns() {
        UserProfile p = new UserProfile();
        updater.apply(p, event(EventKind.VIEW, T0, null, List.of(), 2.0, 0), null);
        updater.apply(p, event(EventKind.ORDER, T0, null, List.of(), 8.0, 16), null);
        updater.apply(p, event(EventKind.RETURN, T0, null, List.of(), 1000.0, 1000), null);
        assertThat(p.meanLogPrice()).isCloseTo(Math.log(4.0), within(1e-6));
        assertThat(new UserProfile().meanLogPrice()).isNaN();
    }

    private static ProfileEvent view(long time, String session) {
        return event(EventKind.VIEW, time, session, List.of(), Double.NaN, 0);
    }

    private static ProfileEvent categoryView(long time, String category) {
        return event(EventKind.VIEW, time, null, List.of(category), Double.NaN, 0);
    }

    private static ProfileEvent order(long time, double amount) {
        return event(EventKind.ORDER, time, null, List.of(), Double.NaN, amount);
    }

    private static ProfileEvent event(
            EventKind kind,
            long time,
            String session,
            List<String> categories,
            double price,
            double amount,
            String... texts) {
        return new ProfileEvent(kind, time, session, categories, price, amount, List.of(texts));
    }
}

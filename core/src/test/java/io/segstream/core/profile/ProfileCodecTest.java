package io.segstream.core.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.math.Vectors;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProfileCodecTest {

    private static final long T0 = Instant.parse("2011-11-02T08:30:00Z").toEpochMilli();
    private static final long MINUTE = 60_000L;

    /** Titles and categories as the Online Retail shop shows them. */
    private static final List<String> TITLES =
            List.of(
                    "WHITE HANGING HEART T-LIGHT HOLDER",
                    "REGENCY CAKESTAND 3 TIER",
                    "JUMBO BAG RED RETROSPOT",
                    "PARTY BUNTING",
                    "LUNCH BAG RED RETROSPOT",
                    "ASSORTED COLOUR BIRD ORNAMENT",
                    "SET OF 3 CAKE TINS PANTRY DESIGN",
                    "PACK OF 72 RETROSPOT CAKE CASES",
                    "NATURAL SLATE HEART CHALKBOARD",
                    "HEART OF WICKER SMALL");

    private static final List<String> CATEGORIES =
            List.of("Home/Candles", "Kitchen/Baking", "Bags/Shopping", "Party/Decorations");

    private static CachingTextEncoder encoder;

    @BeforeAll
    static void openEncoder() {
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    @Test
    void shouldKeepEveryFieldThroughARoundTrip() {
        UserProfile p = realisticProfile();

        byte[] bytes = ProfileCodec.encode(p);
        UserProfile q = ProfileCodec.decode(bytes);

        assertThat(q.firstEventTime()).isEqualTo(p.firstEventTime());
        assertThat(q.lastEventTime()).isEqualTo(p.lastEventTime());
        assertThat(q.lastOrderTime()).isEqualTo(p.lastOrderTime());
        assertThat(q.views()).isEqualTo(p.views()).isPositive();
        assertThat(q.searches()).isEqualTo(p.searches()).isPositive();
        assertThat(q.carts()).isEqualTo(p.carts()).isPositive();
        assertThat(q.removes()).isEqualTo(p.removes()).isPositive();
        assertThat(q.orders()).isEqualTo(p.orders()).isPositive();
        assertThat(q.cancels()).isEqualTo(p.cancels()).isPositive();
        assertThat(q.returns()).isEqualTo(p.returns()).isPositive();
        assertThat(q.spend()).isEqualTo(p.spend()).isPositive();
        assertThat(q.meanLogPrice()).isEqualTo(p.meanLogPrice());
        assertThat(q.sessions()).isEqualTo(p.sessions()).isPositive();
        assertThat(q.sessionEvents()).isEqualTo(p.sessionEvents()).isPositive();
        assertThat(q.sessionMillis()).isEqualTo(p.sessionMillis()).isPositive();
        assertThat(q.sessionStart).isEqualTo(p.sessionStart);
        assertThat(q.lastClickTime).isEqualTo(p.lastClickTime);
        assertThat(q.sessionHash).isEqualTo(p.sessionHash).isNotZero();
        assertThat(q.categories()).containsExactly(p.categories());
        assertThat(q.categoryWeights()).containsExactly(p.categoryWeights());
        assertThat(q.textWeight()).isEqualTo(p.textWeight());
        assertThat(q.segment()).isEqualTo(3);
        assertThat(q.modelVersion()).isEqualTo(17L);
        assertThat(q.segmentDistance()).isEqualTo(1.25f);
        assertThat(q.text()).hasSize(384);
        assertThat(Vectors.cosine(q.text(), p.text())).isGreaterThan(0.998);
        // a decoded profile encodes to the same bytes: quantisation is idempotent
        assertThat(ProfileCodec.encode(q)).isEqualTo(bytes);
    }

    @Test
    void shouldKeepTheTextOfEverySingleTitleWithinTheQuantisationBound() {
        for (float[] e : encoder.encodeBatch(TITLES)) {
            UserProfile p = new UserProfile();
            p.text = e;
            p.textWeight = 1;
            float[] back = ProfileCodec.decode(ProfileCodec.encode(p)).text();
            assertThat(Vectors.cosine(back, e)).isGreaterThan(0.998);
        }
    }

    @Test
    void shouldStoreARealisticProfileIn512BytesOrLess() {
        UserProfile p = realisticProfile();
        assertThat(p.categories()).hasSize(4);
        assertThat(p.text()).hasSize(384);

        int size = ProfileCodec.encode(p).length;

        System.out.printf(
                "Bytes per profile (384-dim text, %d categories: %s): %d%n",
                p.categories().length, String.join(", ", p.categories()), size);
        assertThat(size).isLessThanOrEqualTo(512);
        // 137 fixed bytes (no reviews), 4 + 288 for the 6-bit text, 1 + name + 4 per category
        int names = Arrays.stream(p.categories()).mapToInt(c -> c.length() + 5).sum();
        assertThat(size).isEqualTo(137 + 292 + names);
    }

    @Test
    void shouldKeepTheEventCountAndDigest() {
        UserProfile q = ProfileCodec.decode(ProfileCodec.encode(realisticProfile()));

        assertThat(q.eventCount()).isEqualTo(2);
        assertThat(q.eventDigest()).isEqualTo(0x1234_5678_9abc_def0L - 7);
    }

    @Test
    void shouldKeepTheReviewFigures() {
        UserProfile p = realisticProfile();
        new ProfileUpdater(ProfileSettings.defaults()).applyReview(p, p.lastEventTime(), 0.9, true);

        UserProfile q = ProfileCodec.decode(ProfileCodec.encode(p));

        assertThat(q.reviews()).isEqualTo(1f);
        assertThat(q.negativeReviews()).isEqualTo(1f);
        assertThat(q.meanReviewNegativity()).isCloseTo(0.9, within(1e-6));
    }

    @Test
    void shouldReadALayoutVersion2ProfileWithoutReviews() {
        UserProfile p = realisticProfile();
        new ProfileUpdater(ProfileSettings.defaults()).applyReview(p, p.lastEventTime(), 0.9, true);
        byte[] v3 = ProfileCodec.encode(p);
        // a version 2 profile is the same bytes without the review flag and figures
        byte[] v2 = Arrays.copyOf(v3, v3.length - 17);
        v2[0] = 2;

        UserProfile q = ProfileCodec.decode(v2);

        assertThat(q.reviews()).isZero();
        assertThat(q.meanReviewNegativity()).isNaN();
        assertThat(q.eventCount()).isEqualTo(p.eventCount());
        assertThat(q.segment()).isEqualTo(p.segment());
    }

    @Test
    void shouldReadALayoutVersion1ProfileWithoutCountOrDigest() {
        UserProfile p = realisticProfile();
        byte[] v3 = ProfileCodec.encode(p);
        // a version 1 profile is the same bytes without the two trailing longs and the review flag
        byte[] v1 = Arrays.copyOf(v3, v3.length - 17);
        v1[0] = 1;

        UserProfile q = ProfileCodec.decode(v1);

        assertThat(q.eventCount()).isZero();
        assertThat(q.eventDigest()).isZero();
        assertThat(q.segment()).isEqualTo(p.segment());
        assertThat(q.lastEventTime()).isEqualTo(p.lastEventTime());
        assertThat(q.categories()).isEqualTo(p.categories());
    }

    @Test
    void shouldRoundTripAnEmptyProfile() {
        UserProfile empty = new UserProfile();

        UserProfile q = ProfileCodec.decode(ProfileCodec.encode(empty));

        assertThat(q.isEmpty()).isTrue();
        assertThat(q.lastOrderTime()).isEqualTo(UserProfile.NEVER);
        assertThat(q.segment()).isEqualTo(UserProfile.NO_SEGMENT);
        assertThat(q.segmentDistance()).isNaN();
        assertThat(q.text()).isEmpty();
        assertThat(q.categories()).isEmpty();
        assertThat(ProfileCodec.encode(empty)).hasSize(137);
    }

    @Test
    void shouldRefuseTruncatedOverlongAndOtherVersionBytes() {
        byte[] bytes = ProfileCodec.encode(realisticProfile());

        assertThatThrownBy(() -> ProfileCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Truncated profile");
        assertThatThrownBy(() -> ProfileCodec.decode(Arrays.copyOf(bytes, bytes.length + 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 bytes after its last field");
        byte[] other = bytes.clone();
        other[0] = 9;
        assertThatThrownBy(() -> ProfileCodec.decode(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout version 9");
    }

    /** Three weeks of a regular customer of the Online Retail shop, through the real updater. */
    private static UserProfile realisticProfile() {
        ProfileUpdater updater = new ProfileUpdater(ProfileSettings.defaults());
        UserProfile p = new UserProfile();
        long t = T0;
        for (int day = 0; day < 21; day++) {
            t = T0 + Duration.ofDays(day).toMillis();
            String session = "s-" + day;
            for (int i = 0; i < 3; i++) {
                String title = TITLES.get((day + i) % TITLES.size());
                String category = CATEGORIES.get((day + i) % CATEGORIES.size());
                EventKind kind =
                        i == 0 ? EventKind.SEARCH : i == 1 ? EventKind.VIEW : EventKind.ADD_TO_CART;
                apply(updater, p, kind, t += 3 * MINUTE, session, category, 2.95, 0, title);
            }
            if (day % 4 == 3) {
                apply(updater, p, EventKind.REMOVE_FROM_CART, t += MINUTE, session, null, 2.95, 0);
            }
            if (day % 3 == 2) {
                String title = TITLES.get(day % TITLES.size());
                apply(updater, p, EventKind.ORDER, t += MINUTE, null, null, 2.95, 35.4, title);
            }
        }
        apply(updater, p, EventKind.CANCEL, t += MINUTE, null, null, 2.95, 5.9);
        apply(updater, p, EventKind.RETURN, t += MINUTE, null, null, 2.95, 2.95);
        p.assign(3, 17, 1.25);
        p.countEvent(0x1234_5678_9abc_def0L);
        p.countEvent(-7);
        return p;
    }

    private static void apply(
            ProfileUpdater updater,
            UserProfile p,
            EventKind kind,
            long time,
            String session,
            String category,
            double price,
            double amount,
            String... texts) {
        ProfileEvent e =
                new ProfileEvent(
                        kind,
                        time,
                        session,
                        category == null ? List.of() : List.of(category),
                        price,
                        amount,
                        List.of(texts));
        updater.apply(
                p,
                e,
                texts.length == 0 ? null : ProfileUpdater.mean(encoder.encodeBatch(e.texts())));
    }
}

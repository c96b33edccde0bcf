package io.segstream.core.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.profile.EventKind;
import io.segstream.core.profile.ProfileEvent;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.ProfileUpdater;
import io.segstream.core.profile.UserProfile;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureVectorizerTest {

    private static final long T0 = Instant.parse("2011-06-01T12:00:00Z").toEpochMilli();
    private static final int B = BehaviourFeatures.NAMES.size();
    private static final int PRICE = BehaviourFeatures.NAMES.indexOf("mean_log_price");
    private static final ProfileSettings SETTINGS = ProfileSettings.defaults();

    @Test
    void shouldStandardiseEachBehaviouralFeatureWithTheSpecsMeanAndScale() {
        double[] means = new double[B];
        double[] scales = new double[B];
        for (int j = 0; j < B; j++) {
            means[j] = j;
            scales[j] = j + 1;
        }
        FeatureVectorizer v = vectorizer(means, scales, 0.5, 4);
        double[] raw = new double[B + 4];
        for (int j = 0; j < B; j++) {
            raw[j] = 3 * j + 2;
        }

        double[] x = v.scale(raw);

        for (int j = 0; j < B; j++) {
            assertThat(x[j]).as(BehaviourFeatures.NAMES.get(j)).isEqualTo((2.0 * j + 2) / (j + 1));
        }
    }

    @Test
    void shouldWeightTheTextBlockByTextWeightTimesTheRootOfTheBehaviouralDimension() {
        double[] raw = new double[B + 4];
        raw[B] = 0.6;
        raw[B + 1] = -0.8;

        double[] half = vectorizer(zeros(), ones(), 0.5, 4).scale(raw);
        double[] none = vectorizer(zeros(), ones(), 0.0, 4).scale(raw);
        double[] one = vectorizer(zeros(), ones(), 1.0, 4).scale(raw);

        double factor = 0.5 * Math.sqrt(B);
        assertThat(half[B]).isCloseTo(0.6 * factor, within(1e-12));
        assertThat(half[B + 1]).isCloseTo(-0.8 * factor, within(1e-12));
        // a unit text vector at weight 1 reaches as far as all behavioural features at 1 sd
        assertThat(norm(Arrays.copyOfRange(one, B, B + 4))).isCloseTo(Math.sqrt(B), within(1e-9));
        assertThat(norm(Arrays.copyOfRange(none, B, B + 4))).isZero();
        assertThat(Arrays.copyOfRange(half, 0, B)).containsOnly(0.0);
    }

    @Test
    void shouldImputeAnUnknownFeatureAtItsMean() {
        double[] means = zeros();
        means[PRICE] = 1.7;
        double[] scales = ones();
        scales[PRICE] = 0.4;
        FeatureVectorizer v = vectorizer(means, scales, 0.5, 0);
        UserProfile noPrices = new UserProfile();
        new ProfileUpdater(SETTINGS)
                .apply(
                        noPrices,
                        new ProfileEvent(
                                EventKind.SEARCH,
                                T0,
                                "s-1",
                                List.of(),
                                Double.NaN,
                                0,
                                List.of("cake tins")),
                        null);

        double[] raw = v.raw(noPrices, T0);
        double[] x = v.vectorize(noPrices, T0);

        assertThat(raw[PRICE]).isNaN();
        assertThat(x[PRICE]).isZero();
        assertThat(Arrays.stream(x).allMatch(Double::isFinite)).isTrue();
        double[] priced = raw.clone();
        priced[PRICE] = 1.7 + 0.4;
        assertThat(v.scale(priced)[PRICE]).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void shouldFitMeansAndScalesIgnoringNaNAndFloorTheScaleOfFeaturesThatBarelyVary() {
        double[] a = new double[B + 2];
        double[] b = new double[B + 2];
        double[] c = new double[B + 2];
        a[0] = 1;
        b[0] = 2;
        c[0] = 3;
        a[PRICE] = 2;
        b[PRICE] = Double.NaN;
        c[PRICE] = 4;
        for (double[] r : List.of(a, b, c)) {
            r[1] = 5; // constant
        }

        FeatureSpec spec = FeatureSpec.fit(List.of(a, b, c), 0.5, 2);

        assertThat(spec.means()[0]).isCloseTo(2.0, within(1e-12));
        assertThat(spec.scales()[0]).isCloseTo(1.0, within(1e-12));
        assertThat(spec.means()[PRICE]).isCloseTo(3.0, within(1e-12));
        assertThat(spec.scales()[PRICE]).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(spec.means()[1]).isEqualTo(5.0);
        assertThat(spec.scales()[1])
                .as("constant: its floor")
                .isEqualTo(BehaviourFeatures.MIN_SCALES[1]);
        // return_rate varies by 0.01 only: a 0.1 floor keeps that from counting as 2 sd
        double[] d = a.clone();
        double[] e = a.clone();
        d[7] = 0.0;
        e[7] = 0.01;
        assertThat(FeatureSpec.fit(List.of(d, e), 0.5, 2).scales()[7]).isEqualTo(0.1);
        assertThat(spec.dimension()).isEqualTo(B + 2);
        assertThat(spec.allNames()).endsWith("text_0", "text_1");
        // the fitted spec standardises its own sample to mean 0
        FeatureVectorizer v = new FeatureVectorizer(spec, SETTINGS);
        double sum = 0;
        for (double[] r : List.of(a, b, c)) {
            sum += v.scale(r)[0];
        }
        assertThat(sum).isCloseTo(0.0, within(1e-12));
        assertThat(v.scale(b)[PRICE]).isZero();
    }

    @Test
    void shouldPutTheProfilesTextAfterTheBehaviouralFeaturesOrZerosWithoutText() {
        UserProfile p = new UserProfile();
        ProfileUpdater updater = new ProfileUpdater(SETTINGS);
        ProfileEvent view =
                new ProfileEvent(
                        EventKind.VIEW, T0, null, List.of(), 2.5, 0, List.of("cake stand"));
        updater.apply(p, view, new float[] {0.6f, 0.8f, 0f});
        FeatureVectorizer v = vectorizer(zeros(), ones(), 1.0, 3);

        double[] raw = v.raw(p, T0);
        assertThat(Arrays.copyOfRange(raw, B, B + 3)).containsExactly(0.6f, 0.8f, 0.0f);
        assertThat(raw[PRICE]).isCloseTo(Math.log(2.5), within(1e-6));

        UserProfile noText = new UserProfile();
        updater.apply(noText, view, null);
        assertThat(Arrays.copyOfRange(v.raw(noText, T0), B, B + 3)).containsOnly(0.0);
        assertThat(v.vectorize(p, T0)).containsExactly(v.scale(raw));
    }

    @Test
    void shouldNameTheDimensionsWhenARawVectorDoesNotFit() {
        FeatureVectorizer v = vectorizer(zeros(), ones(), 0.5, 384);
        assertThatThrownBy(() -> v.scale(new double[B + 3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(B + 3))
                .hasMessageContaining(String.valueOf(B + 384));
    }

    private static FeatureVectorizer vectorizer(
            double[] means, double[] scales, double textWeight, int textDimension) {
        return new FeatureVectorizer(
                new FeatureSpec(BehaviourFeatures.NAMES, means, scales, textWeight, textDimension),
                SETTINGS);
    }

    private static double[] zeros() {
        return new double[B];
    }

    private static double[] ones() {
        double[] ones = new double[B];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void shouldProjectTheTextBlockAndMapBackThroughRawValues() {
        FeatureSpec spec = FeatureSpec.fit(List.of(new double[B + 2], new double[B + 2]), 0.5, 2);
        // a full-rank projection (a rotation) loses nothing on the way back
        double c = Math.sqrt(0.5);
        TextProjection rotation =
                new TextProjection(new double[] {0.1, 0.2}, new double[][] {{c, c}, {c, -c}});
        FeatureVectorizer plain = new FeatureVectorizer(spec, SETTINGS);
        FeatureVectorizer projected = new FeatureVectorizer(spec, SETTINGS, rotation);
        double[] raw = new double[B + 2];
        raw[0] = 1.5;
        raw[B] = 0.6;
        raw[B + 1] = 0.8;

        double[] x = projected.scale(raw);

        double scale = 0.5 * Math.sqrt(B);
        assertThat(x[B]).isCloseTo(c * (0.5 + 0.6) * scale, within(1e-12));
        assertThat(x[B + 1]).isCloseTo(c * (0.5 - 0.6) * scale, within(1e-12));
        assertThat(projected.toRaw(x)).containsExactly(raw, within(1e-12));
        assertThat(projected.mapTo(plain, x)).containsExactly(plain.scale(raw), within(1e-12));
        assertThat(projected.names()).endsWith("text_pc_0", "text_pc_1");
    }
}

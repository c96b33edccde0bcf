package io.segstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.clustering.Assignment;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.SegmentModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file committed in {@code src/test/resources/golden} (trained on the first 300 customers
 * of the dev slice) with the segment and distance it gave 40 of them when it was written. Loading
 * it must score them identically: the file format, the feature code and the encoder are stable.
 * {@code -Dsegstream.golden.write=true} rewrites the files (only after a deliberate change).
 */
class GoldenModelTest {

    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final Path MODEL = DIR.resolve("segment-model-v1.avro");
    private static final Path SCORES = DIR.resolve("segment-model-v1-scores.csv");

    @TempDir Path tmp;

    @Test
    void shouldScoreTheGoldenUsersAsWhenTheModelWasWritten() throws Exception {
        try (CachingTextEncoder encoder = DevData.encoder()) {
            TrainingSet set = DevData.set(encoder, firstCustomers(300));
            if (Boolean.getBoolean("segstream.golden.write")) {
                write(encoder, set);
            }
            SegmentModel model = ModelFile.read(MODEL);
            List<String> lines = Files.readAllLines(SCORES, StandardCharsets.UTF_8);
            assertThat(lines).hasSize(41);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                Assignment a = score(model, set, f[0]);
                assertThat(a.segmentId()).as(f[0]).isEqualTo(Integer.parseInt(f[1]));
                assertThat(a.distance()).as(f[0]).isCloseTo(Double.parseDouble(f[2]), within(1e-6));
            }
        }
    }

    @Test
    void shouldRoundTripAModelThroughAFile() throws Exception {
        SegmentModel golden = ModelFile.read(MODEL);
        Path copy = tmp.resolve("copy.avro");

        ModelFile.write(golden, copy);

        assertThat(ModelFile.read(copy)).isEqualTo(golden);
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(MODEL));
    }

    @Test
    void shouldRefuseToOverwriteAVersion() throws Exception {
        Path copy = tmp.resolve("copy.avro");
        ModelFile.write(ModelFile.read(MODEL), copy);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ModelFile.write(ModelFile.read(MODEL), copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("immutable");
    }

    private static Assignment score(SegmentModel model, TrainingSet set, String user) {
        ScoringModel scoring =
                ScoringModel.of(
                        model,
                        ProfileSettings.defaults(),
                        model.getTextEncoder().getModelId(),
                        model.getTextEncoder().getDimension());
        int i = set.users().indexOf(user);
        double[] x =
                scoring.vectorizer().vectorize(set.profiles().get(i), DevData.AS_OF.toEpochMilli());
        return new NearestCentroid(0).assign(x, scoring.clusters(), null);
    }

    private static List<ShopEvent> firstCustomers(int n) {
        Set<String> chosen = new LinkedHashSet<>();
        List<ShopEvent> out = new ArrayList<>();
        for (ShopEvent e : DevData.events()) {
            if (chosen.contains(e.userId()) || chosen.size() < n) {
                chosen.add(e.userId());
                out.add(e);
            }
        }
        return out;
    }

    private static void write(CachingTextEncoder encoder, TrainingSet set) throws Exception {
        Files.createDirectories(DIR);
        Files.deleteIfExists(MODEL);
        SegmentModel model =
                DevData.trainer(encoder).train(set, TrainerSettings.defaults().withK(3)).model();
        ModelFile.write(model, MODEL);
        StringBuilder csv = new StringBuilder("user,segment,distance\n");
        for (String user : set.users().subList(0, 40)) {
            Assignment a = score(model, set, user);
            csv.append(
                    String.format(Locale.ROOT, "%s,%d,%.9f%n", user, a.segmentId(), a.distance()));
        }
        Files.writeString(SCORES, csv.toString());
    }
}

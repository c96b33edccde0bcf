package io.segstream.trainer.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import de.bwaldvogel.liblinear.Feature;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TfIdfTest {

    @Test
    void shouldCountWordsAndNeighbouringPairsLowerCased() {
        assertThat(TfIdf.terms("Runs SMALL, runs small! a"))
                .containsEntry("runs", 2)
                .containsEntry("small", 2)
                .containsEntry("runs small", 2)
                .containsEntry("small runs", 1)
                .doesNotContainKey("a");
    }

    @Test
    void shouldKeepTermsOfTwoTextsAndGiveUnitVectorsWhereRareTermsWeighMore() {
        TfIdf tfIdf =
                TfIdf.fit(
                        List.of(
                                "love this dress",
                                "love this top",
                                "hate this dress",
                                "unique word here"));
        // kept (df >= 2): dress, love, love this, this, this dress; the rest is seen once
        assertThat(tfIdf.vocabularySize()).isEqualTo(5);
        Feature[] v = tfIdf.transform("love this dress, never seen");
        assertThat(v).hasSize(5);
        double norm =
                Math.sqrt(Arrays.stream(v).mapToDouble(f -> f.getValue() * f.getValue()).sum());
        assertThat(norm).isCloseTo(1, within(1e-9));
        // "this" is in 3 of 4 texts, "dress" in 2: dress weighs more (features ascend by term)
        Feature[] both = tfIdf.transform("this dress"); // dress, this, this dress
        assertThat(both).hasSize(3);
        assertThat(both[0].getValue()).isGreaterThan(both[1].getValue());
        assertThat(tfIdf.transform("nothing known")).isEmpty();
    }
}

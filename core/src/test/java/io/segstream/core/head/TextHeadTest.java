package io.segstream.core.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.schemas.HeadModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextHeadTest {

    @TempDir Path dir;

    static HeadModel head(String encoder, String sha) {
        return HeadModel.newBuilder()
                .setName("not-recommended")
                .setVersion(7)
                .setCreatedAt(Instant.ofEpochMilli(7))
                .setLabel("Recommended IND = 0")
                .setEncoderModelId(encoder)
                .setEncoderSha256(sha)
                .setEncoderMaxLength(128)
                .setWeights(List.of(2f, -1f, 0f))
                .setBias(-0.5)
                .setThreshold(0.6)
                .setTrainingData("womens-clothing-reviews test.csv")
                .setTrainingDataSha256("00")
                .setTrainingRows(10)
                .setPositives(3)
                .setRegularisation("L2, C=0.01")
                .setFolds(5)
                .setAucMean(0.97)
                .setAucSd(0.003)
                .setPrecision(0.8)
                .setRecall(0.8)
                .setF1(0.8)
                .build();
    }

    @Test
    void shouldScoreAsALogisticRegressionOverTheEmbedding() {
        TextHead h =
                TextHead.forEncoder(
                        head("bge-small-en-v15-q", "ab"), "bge-small-en-v15-q", "AB", 3);
        double score = h.score(new float[] {0.5f, 0.25f, 0.9f});
        assertThat(score).isCloseTo(1 / (1 + Math.exp(-(1 - 0.25 - 0.5))), within(1e-9));
        assertThat(h.positive(score)).isFalse();
        assertThat(h.positive(h.score(new float[] {1, 0, 0}))).isTrue();
    }

    @Test
    void shouldRefuseAHeadTrainedOnAnotherEncoderNamingBoth() {
        HeadModel trained = head("bge-small-en-v15-q", "ab12");
        assertThatThrownBy(() -> TextHead.forEncoder(trained, "all-minilm-l6-v2-q", "cd34", 3))
                .isInstanceOf(ModelCompatibilityException.class)
                .hasMessageContaining(
                        "Head 'not-recommended' v7 was trained on encoder bge-small-en-v15-q (sha256 ab12)")
                .hasMessageContaining("the review encoder here is all-minilm-l6-v2-q (sha256 cd34)")
                .hasMessageContaining("--encoder all-minilm-l6-v2-q");
        // same id, other graph: refused too
        assertThatThrownBy(() -> TextHead.forEncoder(trained, "bge-small-en-v15-q", "ffff", 3))
                .isInstanceOf(ModelCompatibilityException.class);
        assertThatThrownBy(() -> TextHead.forEncoder(trained, "bge-small-en-v15-q", "ab12", 384))
                .hasMessageContaining("has 3 weights, the encoder gives 384 dims");
    }

    @Test
    void shouldWriteAHeadFileOnceAndReadItBack() throws Exception {
        HeadModel h = head("e5-small-v2-q", "ab");
        Path file = dir.resolve(HeadFile.fileName(h));
        assertThat(file.getFileName().toString()).isEqualTo("not-recommended-v7.head.avro");
        HeadFile.write(h, file);
        assertThat(HeadFile.read(file)).isEqualTo(h);
        assertThatThrownBy(() -> HeadFile.write(h, file)).hasMessageContaining("immutable");
    }
}

package io.segstream.app.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.clustering.Cluster;
import io.segstream.core.features.BehaviourFeatures;
import io.segstream.core.features.FeatureSpec;
import io.segstream.core.model.SegmentModels;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentModel;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurrentModelTest {

    private static final AvroCodec<SegmentModel> CODEC = AvroCodec.of(SegmentModel.class);

    private static byte[] model(String nameOfSegmentOne) {
        int b = BehaviourFeatures.NAMES.size();
        double[] scales = new double[b];
        Arrays.fill(scales, 1.0);
        FeatureSpec spec = new FeatureSpec(BehaviourFeatures.NAMES, new double[b], scales, 0.0, 4);
        SegmentModel model =
                SegmentModels.seed(
                        spec,
                        List.of(
                                new Cluster(0, new double[spec.dimension()], 1.0),
                                new Cluster(1, new double[spec.dimension()], 1.0)),
                        new EncoderInfo("test-encoder", "0".repeat(64), 4),
                        Instant.parse("2011-11-30T00:00:00Z"),
                        7L);
        model.getCentroids().get(1).setName(nameOfSegmentOne);
        return CODEC.encode(model);
    }

    @Test
    void shouldDecodeTheModelOnceWhileTheStoredBytesStayTheSame() {
        CurrentModel current = new CurrentModel();
        byte[] stored = model("bargain hunters");

        CurrentModel.Decoded first = current.of(stored);
        CurrentModel.Decoded again = current.of(stored.clone());

        assertThat(again).isSameAs(first);
        assertThat(first.name(1)).isEqualTo("bargain hunters");
        assertThat(first.name(0)).isEqualTo("segment 0");
    }

    @Test
    void shouldNotMistakeAnArraySeenBeforeForTheCurrentModel() {
        CurrentModel current = new CurrentModel();
        byte[] first = model("bargain hunters");
        CurrentModel.Decoded firstDecoded = current.of(first);

        CurrentModel.Decoded second = current.of(model("loyal high spenders"));
        CurrentModel.Decoded firstAgain = current.of(first);

        assertThat(second.name(1)).isEqualTo("loyal high spenders");
        assertThat(firstAgain.name(1)).isEqualTo("bargain hunters");
        assertThat(firstAgain).isNotSameAs(firstDecoded);
    }

    @Test
    void shouldNameSegmentsAfterTheNewModelOnceTheStoredBytesChange() {
        CurrentModel current = new CurrentModel();
        CurrentModel.Decoded before = current.of(model("bargain hunters"));

        CurrentModel.Decoded after = current.of(model("loyal high spenders"));

        assertThat(after).isNotSameAs(before);
        assertThat(after.name(1)).isEqualTo("loyal high spenders");
    }
}

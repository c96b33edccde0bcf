package io.segstream.reliability;

import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.SegmentModel;
import io.segstream.trainer.Trainer;
import io.segstream.trainer.TrainerSettings;
import io.segstream.trainer.TrainingSet;
import java.time.Instant;
import java.util.List;

/**
 * The model every scenario scores with, trained offline by the trainer on the recorded input and
 * published before the instances start. With learning off, every run then assigns every user by the
 * same rule, so a faulty run can be compared with the clean reference user by user.
 */
final class PinnedModel {

    private PinnedModel() {}

    static SegmentModel train(List<ShopEvent> events, ProfileSettings settings, int k) {
        try (CachingTextEncoder encoder = CachingTextEncoder.open(EncoderConfig.defaults())) {
            OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
            EncoderInfo info =
                    new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
            TrainingSet set =
                    TrainingSet.of(
                            events,
                            Instant.ofEpochMilli(events.get(events.size() - 1).time()),
                            null,
                            new ProfileBuilder(settings, encoder),
                            encoder.dimension(),
                            n -> {});
            TrainerSettings how = new TrainerSettings(k, 2, 8, 3, 1, 7L, 0.5, 0, null);
            return new Trainer(encoder, info, settings, step -> {}).train(set, how).model();
        }
    }
}

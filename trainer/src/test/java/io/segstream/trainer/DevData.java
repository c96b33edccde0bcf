package io.segstream.trainer;

import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.testing.SharedData;
import io.segstream.schemas.EncoderInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The Online Retail dev slice as the trainer tests use it: cut at 2011-09-01, churn in 90 days. */
final class DevData {

    static final Instant AS_OF = Instant.parse("2011-09-01T00:00:00Z");
    static final Duration HORIZON = Duration.ofDays(90);

    private static List<ShopEvent> events;

    private DevData() {}

    static synchronized List<ShopEvent> events() {
        if (events == null) {
            try {
                events =
                        OnlineRetail.read(SharedData.onlineRetailDev()).orders().stream()
                                .map(ShopEvent::of)
                                .toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    static CachingTextEncoder encoder() {
        return CachingTextEncoder.open(EncoderConfig.defaults());
    }

    static EncoderInfo info(CachingTextEncoder encoder) {
        OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
        return new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
    }

    static TrainingSet set(CachingTextEncoder encoder, List<ShopEvent> events) {
        return TrainingSet.of(
                events,
                AS_OF,
                HORIZON,
                new ProfileBuilder(ProfileSettings.defaults(), encoder),
                encoder.dimension(),
                n -> {});
    }

    /** The same events cut one horizon earlier, labelled up to {@link #AS_OF}. */
    static TrainingSet past(CachingTextEncoder encoder, List<ShopEvent> events) {
        return TrainingSet.of(
                events,
                AS_OF.minus(HORIZON),
                HORIZON,
                new ProfileBuilder(ProfileSettings.defaults(), encoder),
                encoder.dimension(),
                n -> {});
    }

    static Trainer trainer(CachingTextEncoder encoder) {
        return new Trainer(encoder, info(encoder), ProfileSettings.defaults(), step -> {});
    }
}

package io.segstream.core.head;

import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.schemas.HeadModel;
import java.util.List;

/**
 * A trained {@link HeadModel}, ready to score embeddings: logistic regression over one encoder's
 * unit-length embedding. Built only for the encoder it was trained on, since another encoder's
 * embedding space is unrelated and its scores would be confident nonsense.
 */
public final class TextHead {

    private final HeadModel model;
    private final float[] weights;

    private TextHead(HeadModel model) {
        this.model = model;
        List<Float> w = model.getWeights();
        this.weights = new float[w.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = w.get(i);
        }
    }

    /**
     * The head, refused with the reason when it was trained on another encoder than the one given
     * (its id or its ONNX graph's SHA-256) or does not fit its dimension.
     */
    public static TextHead forEncoder(
            HeadModel model, String encoderId, String encoderSha256, int dimension) {
        if (!model.getEncoderModelId().equals(encoderId)
                || !model.getEncoderSha256().equalsIgnoreCase(encoderSha256)) {
            throw new ModelCompatibilityException(mismatch(model, encoderId, encoderSha256));
        }
        if (model.getWeights().size() != dimension) {
            throw new ModelCompatibilityException(
                    "Head '"
                            + model.getName()
                            + "' v"
                            + model.getVersion()
                            + " has "
                            + model.getWeights().size()
                            + " weights, the encoder gives "
                            + dimension
                            + " dims");
        }
        return new TextHead(model);
    }

    static String mismatch(HeadModel model, String encoderId, String encoderSha256) {
        return "Head '"
                + model.getName()
                + "' v"
                + model.getVersion()
                + " was trained on encoder "
                + model.getEncoderModelId()
                + " (sha256 "
                + model.getEncoderSha256()
                + ") but the review encoder here is "
                + encoderId
                + " (sha256 "
                + encoderSha256
                + "). Set reviews.encoder.model="
                + model.getEncoderModelId()
                + ", or train the head again with --encoder "
                + encoderId
                + ".";
    }

    /** The probability of the positive class for one embedding. */
    public double score(float[] embedding) {
        double z = model.getBias();
        for (int i = 0; i < weights.length; i++) {
            z += weights[i] * embedding[i];
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** Whether a score counts as positive at the head's threshold. */
    public boolean positive(double score) {
        return score >= model.getThreshold();
    }

    public String name() {
        return model.getName();
    }

    public long version() {
        return model.getVersion();
    }

    public HeadModel model() {
        return model;
    }
}

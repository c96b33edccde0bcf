package io.segstream.core.head;

import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.text.PiiScrubber;
import io.segstream.schemas.HeadModel;
import io.segstream.schemas.ReviewEvent;

/**
 * Judges one review as it arrives: scrubs personal data from its title and text, encodes them alone
 * with the encoder the head was trained on (int8 vectors shift with batch-mates, and the head
 * learnt from vectors made one at a time) and scores the embedding with the head. Without a head, a
 * review's star rating (1 or 2 stars: unhappy) is the judgement where it has one.
 *
 * <p>Follows one head by name: {@link #offer} replaces it with a later version while the stream
 * runs, as segment models are replaced, and refuses a version trained on another encoder.
 * Thread-safe: a review is judged by one consistent pair of encoder and head.
 */
public final class ReviewScorer implements AutoCloseable {

    /**
     * A review's negativity in [0, 1] (NaN when nothing could judge it), the verdict, and what
     * judged it: {@code head <name> v<version>}, {@code rating} or {@code nothing}.
     */
    public record Verdict(double negativity, boolean negative, String judgedBy) {}

    private static final Verdict UNJUDGED = new Verdict(Double.NaN, false, "nothing");

    /** The head in use and the encoder it reads; null fields before the first head. */
    private record Current(TextEncoder encoder, TextHead head) {}

    private final String headName;
    private final EncoderModel encoderModel;
    private final EncoderConfig base;
    private final PiiScrubber scrubber = new PiiScrubber();
    private volatile Current current = new Current(null, null);

    /** The encoder this scorer opened (closed with it) and its token limit; null when none. */
    private OnnxTextEncoder owned;

    private int ownedMaxLength;

    private ReviewScorer(String headName, EncoderModel encoderModel, EncoderConfig base) {
        this.headName = headName;
        this.encoderModel = encoderModel;
        this.base = base;
    }

    /**
     * A scorer that follows the head called {@code headName} for the review encoder {@code
     * encoderModel}, opened (from {@code base}'s cache and provider) when the first head arrives.
     */
    public static ReviewScorer following(
            String headName, EncoderModel encoderModel, EncoderConfig base) {
        return new ReviewScorer(headName, encoderModel, base);
    }

    /** No head: the star rating judges. */
    public static ReviewScorer ratingsOnly() {
        return new ReviewScorer(null, null, null);
    }

    /**
     * Takes {@code model} as the head if it is the followed name and later than the current one;
     * returns whether it did. Opens the review encoder for the first head.
     *
     * @throws ModelCompatibilityException when the head was trained on another encoder (its id or
     *     graph) or with another token limit than the open encoder's; the message names both
     */
    public synchronized boolean offer(HeadModel model) {
        if (encoderModel == null || !model.getName().equals(headName)) {
            return false;
        }
        Current now = current;
        if (now.head() != null && model.getVersion() <= now.head().version()) {
            return false;
        }
        if (!model.getEncoderModelId().equals(encoderModel.id())) {
            // refused before the model files are opened; forEncoder gives the same message
            throw new ModelCompatibilityException(
                    TextHead.mismatch(model, encoderModel.id(), "(not loaded)"));
        }
        if (owned == null) {
            owned =
                    OnnxTextEncoder.open(
                            new EncoderConfig(
                                    encoderModel,
                                    model.getEncoderMaxLength(),
                                    1,
                                    base.executionProvider(),
                                    0,
                                    base.modelCacheDir()));
            ownedMaxLength = model.getEncoderMaxLength();
        } else if (model.getEncoderMaxLength() != ownedMaxLength) {
            throw new ModelCompatibilityException(
                    "Head '"
                            + model.getName()
                            + "' v"
                            + model.getVersion()
                            + " reads "
                            + model.getEncoderMaxLength()
                            + " tokens per review, the open review encoder "
                            + ownedMaxLength
                            + "; restart the app to change the token limit");
        }
        current =
                new Current(
                        owned,
                        TextHead.forEncoder(
                                model, owned.modelId(), owned.modelSha256(), owned.dimension()));
        return true;
    }

    /** The head in use, or null. */
    public TextHead head() {
        return current.head();
    }

    public Verdict judge(ReviewEvent review) {
        Current now = current;
        if (now.head() == null) {
            Integer rating = review.getRating();
            return rating == null
                    ? UNJUDGED
                    : new Verdict((5 - rating) / 4.0, rating <= 2, "rating");
        }
        double score =
                now.head()
                        .score(
                                now.encoder()
                                        .encode(
                                                scrubber.scrub(
                                                        text(
                                                                review.getTitle(),
                                                                review.getText()))));
        return new Verdict(
                score,
                now.head().positive(score),
                "head " + now.head().name() + " v" + now.head().version());
    }

    @Override
    public synchronized void close() {
        if (owned != null) {
            owned.close();
        }
    }

    /** A review's title and body as the one text heads are trained on and score. */
    public static String text(String title, String body) {
        String t = title == null ? "" : title.strip();
        String b = body == null ? "" : body.strip();
        return t.isEmpty() ? b : b.isEmpty() ? t : t + ". " + b;
    }
}

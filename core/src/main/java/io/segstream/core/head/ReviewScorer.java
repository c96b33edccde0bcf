package io.segstream.core.head;

import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.text.PiiScrubber;
import io.segstream.schemas.HeadModel;
import io.segstream.schemas.ReviewEvent;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Judges one review as it arrives: scrubs personal data from its title and text, encodes them alone
 * with the encoder the head was trained on (int8 vectors shift with batch-mates, and the head
 * learnt from vectors made one at a time) and scores the embedding with the head. Without a head, a
 * review's star rating (1 or 2 stars: unhappy) is the judgement where it has one. Thread-safe.
 */
public final class ReviewScorer implements AutoCloseable {

    /** A review's negativity in [0, 1] (NaN when nothing could judge it) and the verdict. */
    public record Verdict(double negativity, boolean negative) {}

    private static final Verdict UNJUDGED = new Verdict(Double.NaN, false);

    private final TextEncoder encoder;
    private final TextHead head;
    private final PiiScrubber scrubber = new PiiScrubber();

    private ReviewScorer(TextEncoder encoder, TextHead head) {
        this.encoder = encoder;
        this.head = head;
    }

    /**
     * Loads the head in {@code headFile} for the review encoder {@code encoderModel} (opened here,
     * with the head's token limit, and closed with the scorer); refuses a head trained on another
     * encoder, naming both.
     */
    public static ReviewScorer open(Path headFile, EncoderModel encoderModel, EncoderConfig base)
            throws IOException {
        HeadModel model = HeadFile.read(headFile);
        if (!model.getEncoderModelId().equals(encoderModel.id())) {
            // refused before minutes of model loading; forEncoder gives the same message
            throw new ModelCompatibilityException(
                    TextHead.mismatch(model, encoderModel.id(), "(not loaded)"));
        }
        OnnxTextEncoder encoder =
                OnnxTextEncoder.open(
                        new EncoderConfig(
                                encoderModel,
                                model.getEncoderMaxLength(),
                                1,
                                base.executionProvider(),
                                0,
                                base.modelCacheDir()));
        try {
            return new ReviewScorer(
                    encoder,
                    TextHead.forEncoder(
                            model, encoder.modelId(), encoder.modelSha256(), encoder.dimension()));
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** Scores with {@code head}, which must have been accepted for {@code encoder}. */
    public static ReviewScorer withHead(TextEncoder encoder, TextHead head) {
        return new ReviewScorer(encoder, head);
    }

    /** No head: the star rating judges. */
    public static ReviewScorer ratingsOnly() {
        return new ReviewScorer(null, null);
    }

    /** What judges reviews: {@code head <name> v<version>}, or {@code rating}. */
    public String judgedBy() {
        return head == null ? "rating" : "head " + head.name() + " v" + head.version();
    }

    /** The head in use, or null. */
    public TextHead head() {
        return head;
    }

    public Verdict judge(ReviewEvent review) {
        if (head == null) {
            Integer rating = review.getRating();
            return rating == null ? UNJUDGED : new Verdict((5 - rating) / 4.0, rating <= 2);
        }
        double score =
                head.score(
                        encoder.encode(scrubber.scrub(text(review.getTitle(), review.getText()))));
        return new Verdict(score, head.positive(score));
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    /** A review's title and body as the one text heads are trained on and score. */
    public static String text(String title, String body) {
        String t = title == null ? "" : title.strip();
        String b = body == null ? "" : body.strip();
        return t.isEmpty() ? b : b.isEmpty() ? t : t + ". " + b;
    }
}

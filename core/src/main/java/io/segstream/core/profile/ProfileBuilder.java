package io.segstream.core.profile;

import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.head.ReviewScorer;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Applies input events to profiles, embedding their texts on the way: the one path from an event to
 * a profile, shared by the streaming app and the trainer so both build identical profiles.
 */
public final class ProfileBuilder {

    private final ProfileUpdater updater;
    private final TextEncoder encoder;
    private final ReviewScorer reviews;

    /** Reviews are judged by their star rating only. */
    public ProfileBuilder(ProfileSettings settings, TextEncoder encoder) {
        this(settings, encoder, ReviewScorer.ratingsOnly());
    }

    public ProfileBuilder(ProfileSettings settings, TextEncoder encoder, ReviewScorer reviews) {
        this.updater = new ProfileUpdater(settings);
        this.encoder = encoder;
        this.reviews = reviews;
    }

    public ProfileSettings settings() {
        return updater.settings();
    }

    /**
     * Applies a {@link ClickEvent}, {@link OrderEvent} or {@link ReviewEvent} to {@code profile};
     * returns its time.
     *
     * @throws IllegalArgumentException for any other record type
     */
    public long apply(UserProfile profile, SpecificRecord event) {
        if (event instanceof ReviewEvent r) {
            applyReview(profile, r);
            return r.getEventTime().toEpochMilli();
        }
        ProfileEvent e;
        if (event instanceof ClickEvent c) {
            e = ProfileEvents.of(c);
        } else if (event instanceof OrderEvent o) {
            e = ProfileEvents.of(o);
        } else {
            throw new IllegalArgumentException(
                    "Not a profile event: " + event.getSchema().getFullName());
        }
        updater.apply(profile, e, embed(e.texts()));
        profile.countEvent(EventDigest.of(event));
        return e.eventTime();
    }

    /** Judges {@code review} and applies it to {@code profile}; returns the judgement. */
    public ReviewScorer.Verdict applyReview(UserProfile profile, ReviewEvent review) {
        ReviewScorer.Verdict v = reviews.judge(review);
        updater.applyReview(
                profile, review.getEventTime().toEpochMilli(), v.negativity(), v.negative());
        profile.countEvent(EventDigest.of(review));
        return v;
    }

    /** The profiles of every user in {@code events}, applied in the order given. */
    public Map<String, UserProfile> replay(Iterable<? extends SpecificRecord> events) {
        Map<String, UserProfile> profiles = new LinkedHashMap<>();
        for (SpecificRecord event : events) {
            String user =
                    event instanceof ClickEvent c
                            ? c.getUserId()
                            : event instanceof OrderEvent o
                                    ? o.getUserId()
                                    : event instanceof ReviewEvent r ? r.getUserId() : null;
            if (user == null) {
                throw new IllegalArgumentException(
                        "Not a profile event: " + event.getSchema().getFullName());
            }
            apply(profiles.computeIfAbsent(user, u -> new UserProfile()), event);
        }
        return profiles;
    }

    private float[] embed(List<String> texts) {
        return texts.isEmpty() ? null : ProfileUpdater.mean(encoder.encodeBatch(texts));
    }
}

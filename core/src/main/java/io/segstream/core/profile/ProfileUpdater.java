package io.segstream.core.profile;

import java.util.List;

/**
 * Applies one event to a profile, on event time: every decayed quantity is first aged to the
 * event's time, then the event is added. A late event (older than the profile) is instead added
 * with the weight it would have left by now, so replaying the same events in any order of arrival
 * gives nearly the same profile.
 */
public final class ProfileUpdater {

    private final ProfileSettings settings;

    public ProfileUpdater(ProfileSettings settings) {
        this.settings = settings;
    }

    public ProfileSettings settings() {
        return settings;
    }

    /**
     * Updates {@code profile} with {@code event}; {@code textEmbedding} is the mean embedding of
     * the event's texts (null when it has none).
     */
    public void apply(UserProfile profile, ProfileEvent event, float[] textEmbedding) {
        long t = event.eventTime();
        double w = age(profile, t);
        if (profile.firstEventTime == UserProfile.NEVER || t < profile.firstEventTime) {
            profile.firstEventTime = t;
        }
        switch (event.kind()) {
            case VIEW -> profile.views += (float) w;
            case SEARCH -> profile.searches += (float) w;
            case ADD_TO_CART -> profile.carts += (float) w;
            case REMOVE_FROM_CART -> profile.removes += (float) w;
            case ORDER -> {
                profile.orders += (float) w;
                profile.spend += (float) (w * event.amount());
                profile.lastOrderTime = Math.max(profile.lastOrderTime, t);
            }
            case CANCEL -> {
                profile.cancels += (float) w;
                profile.spend = (float) Math.max(0, profile.spend - w * event.amount());
            }
            case RETURN -> {
                profile.returns += (float) w;
                profile.spend = (float) Math.max(0, profile.spend - w * event.amount());
            }
        }
        if (isClick(event.kind())) {
            updateSession(profile, event, w);
        }
        if (event.price() > 0
                && Double.isFinite(event.price())
                && event.kind() != EventKind.CANCEL
                && event.kind() != EventKind.RETURN) {
            profile.logPriceSum += (float) (w * Math.log(event.price()));
            profile.priceWeight += (float) w;
        }
        for (String category : event.categories()) {
            addCategory(profile, category, (float) w);
        }
        if (textEmbedding != null && textEmbedding.length > 0) {
            addText(
                    profile,
                    textEmbedding,
                    w * textWeight(event.kind()) * Math.max(1, event.texts().size()));
        }
    }

    /**
     * Adds a review the customer wrote at {@code t}: {@code negativity} is the head's probability
     * of the unhappy class (NaN when nothing scored it), {@code negative} whether it was judged
     * unhappy.
     */
    public void applyReview(UserProfile profile, long t, double negativity, boolean negative) {
        double w = age(profile, t);
        if (profile.firstEventTime == UserProfile.NEVER || t < profile.firstEventTime) {
            profile.firstEventTime = t;
        }
        profile.reviews += (float) w;
        if (!Double.isNaN(negativity)) {
            profile.scoredReviews += (float) w;
            profile.reviewNegativity += (float) (w * negativity);
        }
        if (negative) {
            profile.negativeReviews += (float) w;
        }
    }

    /**
     * Ages the profile to time {@code t} and returns the weight an event at {@code t} carries now.
     */
    private double age(UserProfile p, long t) {
        if (p.lastEventTime == UserProfile.NEVER) {
            p.lastEventTime = t;
            return 1.0;
        }
        if (t < p.lastEventTime) {
            return settings.decay(p.lastEventTime - t);
        }
        float a = (float) settings.decay(t - p.lastEventTime);
        p.views *= a;
        p.searches *= a;
        p.carts *= a;
        p.removes *= a;
        p.orders *= a;
        p.cancels *= a;
        p.returns *= a;
        p.spend *= a;
        p.logPriceSum *= a;
        p.priceWeight *= a;
        p.sessions *= a;
        p.sessionEvents *= a;
        p.sessionMillis *= a;
        p.textWeight *= a;
        p.reviews *= a;
        p.scoredReviews *= a;
        p.reviewNegativity *= a;
        p.negativeReviews *= a;
        for (int i = 0; i < p.categoryWeights.length; i++) {
            p.categoryWeights[i] *= a;
        }
        p.lastEventTime = t;
        return 1.0;
    }

    private static boolean isClick(EventKind kind) {
        return kind == EventKind.VIEW
                || kind == EventKind.SEARCH
                || kind == EventKind.ADD_TO_CART
                || kind == EventKind.REMOVE_FROM_CART;
    }

    /** Counts the click into its session; a late click ({@code w < 1}) leaves the open session. */
    private void updateSession(UserProfile p, ProfileEvent e, double w) {
        long t = e.eventTime();
        int hash = e.sessionId() == null ? 0 : e.sessionId().hashCode();
        boolean sameSession =
                p.lastClickTime != UserProfile.NEVER
                        && t >= p.lastClickTime
                        && (e.sessionId() != null
                                ? hash == p.sessionHash
                                : t - p.lastClickTime <= settings.sessionGap().toMillis());
        if (sameSession) {
            p.sessionMillis += t - p.lastClickTime;
        } else if (p.lastClickTime == UserProfile.NEVER || t >= p.lastClickTime) {
            p.sessions += 1;
            p.sessionStart = t;
        }
        p.sessionEvents += (float) w;
        if (p.lastClickTime == UserProfile.NEVER || t >= p.lastClickTime) {
            // a late click of an earlier session must not become the open session
            p.sessionHash = hash;
            p.lastClickTime = t;
        }
    }

    /**
     * Keeps the top-N categories by decayed weight; a newcomer displaces the weakest if it
     * outweighs it.
     */
    private void addCategory(UserProfile p, String category, float w) {
        if (category == null || category.isBlank()) {
            return;
        }
        for (int i = 0; i < p.categories.length; i++) {
            if (p.categories[i].equals(category)) {
                p.categoryWeights[i] += w;
                return;
            }
        }
        int n = p.categories.length;
        if (n < settings.topCategories()) {
            p.categories = java.util.Arrays.copyOf(p.categories, n + 1);
            p.categoryWeights = java.util.Arrays.copyOf(p.categoryWeights, n + 1);
            p.categories[n] = category;
            p.categoryWeights[n] = w;
            return;
        }
        int weakest = 0;
        for (int i = 1; i < n; i++) {
            if (p.categoryWeights[i] < p.categoryWeights[weakest]) {
                weakest = i;
            }
        }
        if (w > p.categoryWeights[weakest]) {
            p.categories[weakest] = category;
            p.categoryWeights[weakest] = w;
        }
    }

    private static void addText(UserProfile p, float[] embedding, double w) {
        if (w <= 0) {
            return;
        }
        if (p.text.length != embedding.length) {
            p.text = embedding.clone();
            p.textWeight = (float) w;
            return;
        }
        double total = p.textWeight + w;
        for (int i = 0; i < embedding.length; i++) {
            p.text[i] = (float) ((p.text[i] * p.textWeight + embedding[i] * w) / total);
        }
        p.textWeight = (float) total;
    }

    /** Buying says more about taste than looking. */
    static double textWeight(EventKind kind) {
        return switch (kind) {
            case ORDER -> 3.0;
            case ADD_TO_CART -> 2.0;
            case VIEW, SEARCH -> 1.0;
            default -> 0.0;
        };
    }

    /** The mean of {@code vectors}, or null when there are none. */
    public static float[] mean(List<float[]> vectors) {
        if (vectors.isEmpty()) {
            return null;
        }
        float[] m = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < m.length; i++) {
                m[i] += v[i] / vectors.size();
            }
        }
        return m;
    }
}

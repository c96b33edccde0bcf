package io.segstream.trainer;

import io.segstream.schemas.SegmentModel;

/**
 * How to train.
 *
 * @param k segments; 0 picks k by silhouette and stability in {@code minK..maxK}
 * @param minK smallest k tried when picking
 * @param maxK largest k tried when picking
 * @param restarts k-means++ restarts (the best inertia wins)
 * @param bootstraps bootstrap resamples for the stability score
 * @param seed random seed of seeding, restarts, resamples and the held-out split
 * @param textWeight weight of the text block (0 leaves it out)
 * @param textComponents principal components the text block is projected to; 0 keeps it whole
 * @param previous the model to keep segment ids from; null for a first model
 */
public record TrainerSettings(
        int k,
        int minK,
        int maxK,
        int restarts,
        int bootstraps,
        long seed,
        double textWeight,
        int textComponents,
        SegmentModel previous) {

    public TrainerSettings {
        if (k < 0 || k == 1) {
            throw new IllegalArgumentException("k must be 2 or more (or auto), was " + k);
        }
        if (restarts < 1 || bootstraps < 1) {
            throw new IllegalArgumentException("restarts and bootstraps must be 1 or more");
        }
        if (!(textWeight >= 0)) {
            throw new IllegalArgumentException("text weight must be >= 0, was " + textWeight);
        }
        if (textComponents < 0) {
            throw new IllegalArgumentException(
                    "text components must be 0 or more, was " + textComponents);
        }
    }

    public static TrainerSettings defaults() {
        return new TrainerSettings(6, 2, 8, 5, 5, 42, 0.5, 0, null);
    }

    public TrainerSettings withK(int newK) {
        return new TrainerSettings(
                newK, minK, maxK, restarts, bootstraps, seed, textWeight, textComponents, previous);
    }

    public TrainerSettings withSeed(long newSeed) {
        return new TrainerSettings(
                k, minK, maxK, restarts, bootstraps, newSeed, textWeight, textComponents, previous);
    }

    public TrainerSettings withPrevious(SegmentModel model) {
        return new TrainerSettings(
                k, minK, maxK, restarts, bootstraps, seed, textWeight, textComponents, model);
    }

    public TrainerSettings withTextComponents(int components) {
        return new TrainerSettings(
                k, minK, maxK, restarts, bootstraps, seed, textWeight, components, previous);
    }
}

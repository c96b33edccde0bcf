/**
 * Segment assignment and online k-means over plain {@code double[]} feature vectors; no Kafka, no
 * Avro, so the streams app, the coordinator and the offline trainer share one implementation.
 *
 * <ul>
 *   <li>{@link io.segstream.core.clustering.NearestCentroid}: assigns a user to a segment, with
 *       hysteresis so users near a boundary do not flap.
 *   <li>{@link io.segstream.core.clustering.DeltaAccumulator}: per-task sums and counts of the
 *       vectors assigned to each centroid, flushed as {@link
 *       io.segstream.core.clustering.ClusterDelta}s.
 *   <li>{@link io.segstream.core.clustering.MiniBatchUpdate}: the coordinator's decayed mini-batch
 *       update and reseeding of dying clusters.
 *   <li>{@link io.segstream.core.clustering.KMeansPlusPlus}: k-means++ seeding and Lloyd iterations
 *       for the offline trainer.
 *   <li>{@link io.segstream.core.clustering.AdjustedRandIndex}: agreement between two partitions,
 *       for evaluation and stability reports.
 * </ul>
 */
package io.segstream.core.clustering;

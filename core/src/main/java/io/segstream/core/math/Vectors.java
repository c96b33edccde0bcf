package io.segstream.core.math;

/** Small dense-vector helpers: embeddings and clustering vectors. */
public final class Vectors {

    private Vectors() {}

    /** Scales {@code v} to unit L2 length in place and returns it; a zero vector stays zero. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inverse = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inverse;
            }
        }
        return v;
    }

    /**
     * Squared Euclidean distance of two vectors of the same length.
     *
     * <p>Four running sums, not one: the JIT does not reorder a floating-point sum, so a single sum
     * waits on every addition in turn, and this loop (k centroids per event, about 400 dimensions)
     * was the hottest method of a profiled scale run. The result is the same for the same input.
     */
    public static double squaredDistance(double[] a, double[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (int end = a.length - 3; i < end; i += 4) {
            double d0 = a[i] - b[i];
            double d1 = a[i + 1] - b[i + 1];
            double d2 = a[i + 2] - b[i + 2];
            double d3 = a[i + 3] - b[i + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < a.length; i++) {
            double d = a[i] - b[i];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Cosine similarity; for unit vectors this is their dot product. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "Vectors differ in dimension: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}

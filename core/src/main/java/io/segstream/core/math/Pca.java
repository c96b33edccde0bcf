package io.segstream.core.math;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Principal component analysis by a singular value decomposition of the centred data (EJML): the
 * directions of largest variance, e.g. to draw users in 2-D or to shrink the text vector.
 *
 * @param mean the mean of the fitted points, subtracted before projecting
 * @param components unit-length principal directions, largest variance first
 * @param explainedVariance variance of the data along each component
 */
public record Pca(double[] mean, double[][] components, double[] explainedVariance) {

    /** Fits the first {@code k} principal components of {@code points}. */
    public static Pca fit(List<double[]> points, int k) {
        if (points.size() < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 points, got " + points.size());
        }
        int n = points.size();
        int d = points.get(0).length;
        if (k < 1 || k > Math.min(n, d)) {
            throw new IllegalArgumentException(
                    "Components must be in 1.." + Math.min(n, d) + ", was " + k);
        }
        double[] mean = new double[d];
        for (double[] p : points) {
            for (int j = 0; j < d; j++) {
                mean[j] += p[j] / n;
            }
        }
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.set(i, j, points.get(i)[j] - mean[j]);
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(n, d, false, true, true);
        if (!svd.decompose(x)) {
            throw new IllegalStateException("The SVD of the data did not converge");
        }
        DMatrixRMaj vt = svd.getV(null, true);
        double[] singular = svd.getSingularValues();
        SingularOps_DDRM.descendingOrder(
                null, false, singular, svd.numberOfSingularValues(), vt, true);
        double[][] components = new double[k][d];
        double[] variance = new double[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                components[c][j] = vt.get(c, j);
            }
            variance[c] = singular[c] * singular[c] / (n - 1);
        }
        return new Pca(mean, components, variance);
    }

    /** Coordinates of {@code point} along the components. */
    public double[] project(double[] point) {
        double[] y = new double[components.length];
        for (int c = 0; c < components.length; c++) {
            double s = 0;
            for (int j = 0; j < mean.length; j++) {
                s += (point[j] - mean[j]) * components[c][j];
            }
            y[c] = s;
        }
        return y;
    }
}

package io.segstream.core.features;

/**
 * A linear projection of the text block, e.g. the principal components fitted by the trainer:
 * {@code y = components * (text - mean)}. It shrinks 384 text dimensions to a few dozen that carry
 * most of their variance, so centroids and distances get cheaper and noisier directions drop out.
 *
 * @param mean subtracted from the text vector first; as long as the encoder's vectors
 * @param components unit-length rows, one per output dimension
 */
public record TextProjection(double[] mean, double[][] components) {

    public TextProjection {
        for (double[] row : components) {
            if (row.length != mean.length) {
                throw new IllegalArgumentException(
                        "Projection rows must be " + mean.length + " long, one is " + row.length);
            }
        }
    }

    public int inputDimension() {
        return mean.length;
    }

    public int outputDimension() {
        return components.length;
    }

    /** Projects {@code values[offset .. offset + inputDimension)}. */
    public double[] project(double[] values, int offset) {
        double[] y = new double[components.length];
        for (int c = 0; c < components.length; c++) {
            double s = 0;
            for (int j = 0; j < mean.length; j++) {
                s += components[c][j] * (values[offset + j] - mean[j]);
            }
            y[c] = s;
        }
        return y;
    }

    /** The text vector a projection came from, as far as the components can say. */
    public double[] back(double[] y) {
        double[] text = mean.clone();
        for (int c = 0; c < components.length; c++) {
            for (int j = 0; j < mean.length; j++) {
                text[j] += y[c] * components[c][j];
            }
        }
        return text;
    }
}

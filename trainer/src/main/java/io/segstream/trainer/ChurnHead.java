package io.segstream.trainer;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.util.ArrayList;
import java.util.List;

/**
 * A classification head on frozen features: L2-regularised logistic regression (liblinear), its
 * inputs standardised on the training rows, the regularisation strength picked on a validation part
 * of them. With the encoder frozen, this is transfer learning: the sentence embeddings plus the
 * behavioural features predict a label the encoder was never trained for.
 */
public final class ChurnHead {

    static final double[] STRENGTHS = {0.001, 0.01, 0.1, 1.0};

    /** L1 can shrink useless inputs (text, here) to exactly zero; L2 keeps them small. */
    static final SolverType[] SOLVERS = {SolverType.L1R_LR, SolverType.L2R_LR};

    private final Model model;
    private final double[] means;
    private final double[] scales;
    private final SolverType solver;
    private final double c;

    private ChurnHead(Model model, double[] means, double[] scales, SolverType solver, double c) {
        this.model = model;
        this.means = means;
        this.scales = scales;
        this.solver = solver;
        this.c = c;
    }

    /** Fits on {@code rows}; the last fifth of them picks the regularisation. */
    public static ChurnHead fit(List<double[]> rows, boolean[] labels) {
        Linear.disableDebugOutput();
        int d = rows.get(0).length;
        // unknown values (NaN) are left out of the moments and enter the model as the mean
        double[] means = new double[d];
        double[] scales = new double[d];
        int[] known = new int[d];
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                if (!Double.isNaN(r[j])) {
                    means[j] += r[j];
                    known[j]++;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            means[j] = known[j] == 0 ? 0 : means[j] / known[j];
        }
        for (double[] r : rows) {
            for (int j = 0; j < d; j++) {
                if (!Double.isNaN(r[j])) {
                    scales[j] += (r[j] - means[j]) * (r[j] - means[j]) / known[j];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            scales[j] = scales[j] > 1e-12 ? Math.sqrt(scales[j]) : 1;
        }
        // every fifth row validates the choice of penalty and strength
        List<double[]> fitRows = new ArrayList<>();
        List<double[]> validationRows = new ArrayList<>();
        boolean[] fitLabels = new boolean[rows.size() - (rows.size() + 4) / 5];
        boolean[] validationLabels = new boolean[(rows.size() + 4) / 5];
        for (int i = 0; i < rows.size(); i++) {
            if (i % 5 == 0) {
                validationLabels[validationRows.size()] = labels[i];
                validationRows.add(rows.get(i));
            } else {
                fitLabels[fitRows.size()] = labels[i];
                fitRows.add(rows.get(i));
            }
        }
        SolverType bestSolver = SolverType.L2R_LR;
        double bestC = STRENGTHS[0];
        double bestAuc = -1;
        for (SolverType solver : SOLVERS) {
            for (double c : STRENGTHS) {
                ChurnHead trial =
                        new ChurnHead(
                                train(fitRows, fitLabels, means, scales, solver, c),
                                means,
                                scales,
                                solver,
                                c);
                double auc = BinaryMetrics.auc(trial.scores(validationRows), validationLabels);
                if (auc > bestAuc) {
                    bestAuc = auc;
                    bestSolver = solver;
                    bestC = c;
                }
            }
        }
        return new ChurnHead(
                train(rows, labels, means, scales, bestSolver, bestC),
                means,
                scales,
                bestSolver,
                bestC);
    }

    /** The penalty and strength picked, e.g. "L1, C=0.1". */
    public String regularisation() {
        return (solver == SolverType.L1R_LR ? "L1" : "L2") + ", C=" + c;
    }

    /** The probability of the positive label for each row. */
    public double[] scores(List<double[]> rows) {
        double[] out = new double[rows.size()];
        double[] probabilities = new double[2];
        int positive = model.getLabels()[0] == 1 ? 0 : 1;
        for (int i = 0; i < out.length; i++) {
            // liblinear expects the bias term as the last feature, in training and prediction alike
            Feature[] x = withBias(features(rows.get(i), means, scales), means.length + 1);
            Linear.predictProbability(model, x, probabilities);
            out[i] = probabilities[positive];
        }
        return out;
    }

    private static Model train(
            List<double[]> rows,
            boolean[] labels,
            double[] means,
            double[] scales,
            SolverType solver,
            double c) {
        Problem problem = new Problem();
        problem.l = rows.size();
        problem.n = means.length + 1;
        problem.bias = 1;
        problem.x = new Feature[rows.size()][];
        problem.y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            problem.x[i] = withBias(features(rows.get(i), means, scales), means.length + 1);
            problem.y[i] = labels[i] ? 1 : 0;
        }
        return Linear.train(problem, new Parameter(solver, c, 1e-4));
    }

    private static Feature[] features(double[] row, double[] means, double[] scales) {
        List<Feature> f = new ArrayList<>();
        for (int j = 0; j < row.length; j++) {
            double v = Double.isNaN(row[j]) ? 0 : (row[j] - means[j]) / scales[j];
            if (v != 0) {
                f.add(new FeatureNode(j + 1, v));
            }
        }
        return f.toArray(new Feature[0]);
    }

    private static Feature[] withBias(Feature[] f, int biasIndex) {
        Feature[] out = java.util.Arrays.copyOf(f, f.length + 1);
        out[f.length] = new FeatureNode(biasIndex, 1);
        return out;
    }
}

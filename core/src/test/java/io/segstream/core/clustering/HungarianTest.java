package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HungarianTest {

    @Test
    void shouldFindTheCheapestMatchingWhereGreedyFails() {
        // greedy takes row 0 -> column 0 (cost 1) and then must pay 100; optimal pays 2 + 2
        double[][] cost = {{1, 2}, {2, 100}};

        assertThat(Hungarian.solve(cost)).containsExactly(1, 0);
    }

    @Test
    void shouldMatchBruteForceOnRandomSquareAndRectangularCosts() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(5);
            int m = n + r.nextInt(3);
            double[][] cost = new double[n][m];
            for (double[] row : cost) {
                for (int j = 0; j < m; j++) {
                    row[j] = r.nextInt(20);
                }
            }

            int[] match = Hungarian.solve(cost);

            assertThat(match).doesNotHaveDuplicates();
            assertThat(total(cost, match)).isEqualTo(bruteForce(cost));
        }
    }

    @Test
    void shouldRefuseMoreRowsThanColumns() {
        assertThatThrownBy(() -> Hungarian.solve(new double[][] {{1}, {2}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transpose");
    }

    private static double total(double[][] cost, int[] match) {
        double t = 0;
        for (int i = 0; i < match.length; i++) {
            t += cost[i][match[i]];
        }
        return t;
    }

    private static double bruteForce(double[][] cost) {
        List<int[]> all = new ArrayList<>();
        choose(
                cost.length,
                cost[0].length,
                new int[cost.length],
                new boolean[cost[0].length],
                0,
                all);
        return all.stream().mapToDouble(m -> total(cost, m)).min().orElseThrow();
    }

    private static void choose(int n, int m, int[] pick, boolean[] used, int i, List<int[]> out) {
        if (i == n) {
            out.add(pick.clone());
            return;
        }
        for (int j = 0; j < m; j++) {
            if (!used[j]) {
                used[j] = true;
                pick[i] = j;
                choose(n, m, pick, used, i + 1, out);
                used[j] = false;
            }
        }
    }
}

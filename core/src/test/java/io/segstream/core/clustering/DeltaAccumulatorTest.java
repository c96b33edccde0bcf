package io.segstream.core.clustering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltaAccumulatorTest {

    @Test
    void shouldSumAndCountThePointsOfEachSegment() {
        DeltaAccumulator accumulator = new DeltaAccumulator();
        accumulator.add(1, new double[] {1, 2});
        accumulator.add(4, new double[] {-1, 0.5});
        accumulator.add(1, new double[] {3, -2});
        accumulator.add(1, new double[] {0.5, 0.25});

        assertThat(accumulator.pendingPoints()).isEqualTo(4);
        assertThat(accumulator.drain())
                .containsExactly(
                        Map.entry(1, new ClusterDelta(1, 3, new double[] {4.5, 0.25})),
                        Map.entry(4, new ClusterDelta(4, 1, new double[] {-1, 0.5})));
    }

    @Test
    void shouldStartAfreshAfterADrain() {
        DeltaAccumulator accumulator = new DeltaAccumulator();
        accumulator.add(0, new double[] {1, 1});
        accumulator.drain();

        assertThat(accumulator.pendingPoints()).isZero();
        assertThat(accumulator.drain()).isEmpty();

        accumulator.add(0, new double[] {2, 3, 4}); // a new dimension is fine after a drain
        assertThat(accumulator.drain())
                .containsExactly(Map.entry(0, new ClusterDelta(0, 1, new double[] {2, 3, 4})));
    }

    @Test
    void shouldNotLetADrainedDeltaChangeWithLaterPoints() {
        DeltaAccumulator accumulator = new DeltaAccumulator();
        accumulator.add(0, new double[] {1, 1});
        Map<Integer, ClusterDelta> drained = accumulator.drain();
        accumulator.add(0, new double[] {5, 5});

        assertThat(drained.get(0)).isEqualTo(new ClusterDelta(0, 1, new double[] {1, 1}));
    }

    @Test
    void shouldMergeFlushesSegmentBySegment() {
        Map<Integer, ClusterDelta> first =
                Map.of(
                        0, new ClusterDelta(0, 2, new double[] {1, 2}),
                        2, new ClusterDelta(2, 1, new double[] {5, 5}));
        Map<Integer, ClusterDelta> second =
                Map.of(
                        0, new ClusterDelta(0, 3, new double[] {-4, 1}),
                        3, new ClusterDelta(3, 4, new double[] {8, 0}));

        Map<Integer, ClusterDelta> merged = DeltaAccumulator.merge(first, second);

        assertThat(merged)
                .containsExactly(
                        Map.entry(0, new ClusterDelta(0, 5, new double[] {-3, 3})),
                        Map.entry(2, new ClusterDelta(2, 1, new double[] {5, 5})),
                        Map.entry(3, new ClusterDelta(3, 4, new double[] {8, 0})));
        assertThat(first.get(0)).isEqualTo(new ClusterDelta(0, 2, new double[] {1, 2}));
    }

    @Test
    void shouldRejectAPointOfAnotherDimension() {
        DeltaAccumulator accumulator = new DeltaAccumulator();
        accumulator.add(0, new double[] {1, 1});

        assertThatThrownBy(() -> accumulator.add(1, new double[] {1, 1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 3, expected 2");
    }

    @Test
    void shouldRejectAMapKeyThatDiffersFromItsDelta() {
        Map<Integer, ClusterDelta> wrong = Map.of(1, new ClusterDelta(2, 1, new double[] {1}));

        assertThatThrownBy(() -> DeltaAccumulator.merge(wrong, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 1");
    }
}

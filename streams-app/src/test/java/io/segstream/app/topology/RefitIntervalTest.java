package io.segstream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefitIntervalTest {

    @Test
    void shouldDoubleTheIntervalWithEachMajorVersionUpToTheCap() {
        assertThat(ModelCoordinator.refitInterval(1000, 4, 1)).isEqualTo(1000);
        assertThat(ModelCoordinator.refitInterval(1000, 4, 2)).isEqualTo(2000);
        assertThat(ModelCoordinator.refitInterval(1000, 4, 3)).isEqualTo(4000);
        assertThat(ModelCoordinator.refitInterval(1000, 4, 4)).isEqualTo(4000);
        assertThat(ModelCoordinator.refitInterval(1000, 4, 1_000)).isEqualTo(4000);
    }

    @Test
    void shouldKeepTheIntervalConstantWithoutBackoff() {
        assertThat(ModelCoordinator.refitInterval(100_000, 1, 7)).isEqualTo(100_000);
        assertThat(ModelCoordinator.refitInterval(0, 4, 7)).as("re-fits off stay off").isZero();
    }
}

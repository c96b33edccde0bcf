package io.segstream.trainer.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupedFoldsTest {

    @Test
    void shouldPutEveryGroupInOneFoldAndKeepFoldsAboutEqual() {
        Random random = new Random(1);
        String[] groups = new String[5000];
        for (int i = 0; i < groups.length; i++) {
            // skewed group sizes, like reviews per product
            groups[i] = "p" + (int) Math.floor(Math.pow(random.nextDouble(), 3) * 300);
        }
        int[] fold = GroupedFolds.assign(groups, 5, 42);
        Map<String, Integer> foldOf = new HashMap<>();
        int[] size = new int[5];
        for (int i = 0; i < groups.length; i++) {
            Integer before = foldOf.putIfAbsent(groups[i], fold[i]);
            assertThat(before == null || before == fold[i]).as(groups[i]).isTrue();
            size[fold[i]]++;
        }
        for (int s : size) {
            assertThat(s).isBetween(800, 1200);
        }
        int[] other = GroupedFolds.assign(groups, 5, 43);
        assertThat(other).isNotEqualTo(fold);
        assertThat(GroupedFolds.assign(groups, 5, 42)).isEqualTo(fold);
    }

    @Test
    void shouldRefuseMoreFoldsThanGroups() {
        assertThatThrownBy(() -> GroupedFolds.assign(new String[] {"a", "a", "b"}, 3, 1))
                .hasMessageContaining("2 groups cannot fill 3 folds");
    }
}

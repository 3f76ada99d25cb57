package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowCostTest {

  @Test
  void defaults() {
    assertThat(RowCost.DEFAULT).isEqualTo(RowCost.rowsOnly());
    assertThat(RowCost.DEFAULT.columns()).isEmpty();
    assertThat(RowCost.DEFAULT.bytesPerRowOverhead()).isEqualTo(1.0);
    assertThat(RowCost.DEFAULT.needsColumnSizes()).isFalse();
    assertThat(RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD).isEqualTo(32.0);
    assertThat(new PlanningOptions(1_000, OptionalLong.empty(), 4, 2).rowCost())
        .isEqualTo(RowCost.DEFAULT);
  }

  @Test
  void rowsOnlyCostsARowOne() {
    RowCost rows = RowCost.rowsOnly();
    assertThat(rows.cost(0, 0)).isZero();
    assertThat(rows.cost(12_345, 0)).isEqualTo(12_345);
    assertThat(rows.cost(1L << 52, 0)).isEqualTo(1L << 52);
  }

  @Test
  void columnBytesCostIsOverheadPerRowPlusTheColumnsBytes() {
    RowCost text = RowCost.byColumnBytes(List.of("text"), 32);
    assertThat(text.needsColumnSizes()).isTrue();
    assertThat(text.columns()).containsExactly("text");
    assertThat(text.cost(100, 5_000)).isEqualTo(100 * 32 + 5_000);
    assertThat(text.cost(0, 0)).isZero();
    // A fractional overhead is rounded up, so a row never costs nothing.
    assertThat(RowCost.byColumnBytes(List.of("text"), 0.25).cost(1, 0)).isEqualTo(1);
    assertThat(RowCost.byColumnBytes(List.of("text"), 0.25).cost(10, 3)).isEqualTo(3 + 3);
  }

  @Test
  void columnsAreACopy() {
    List<String> columns = new ArrayList<>(List.of("title", "body"));
    RowCost cost = RowCost.byColumnBytes(columns, 8);
    columns.add("other");
    assertThat(cost.columns()).containsExactly("title", "body");
    assertThatThrownBy(() -> cost.columns().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsInvalidColumns() {
    assertThatThrownBy(() -> RowCost.byColumnBytes(List.of(), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid cost columns (none given); use RowCost.rowsOnly()");
    assertThatThrownBy(() -> RowCost.byColumnBytes(List.of("text", " "), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid cost columns (blank name): [text,  ]");
    assertThatThrownBy(() -> RowCost.byColumnBytes(List.of("text", "text"), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid cost columns (duplicate name): [text, text]");
    assertThatThrownBy(() -> new RowCost(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("columns is null");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void rejectsAnOverheadThatIsNotPositiveAndFinite(double overhead) {
    assertThatThrownBy(() -> RowCost.byColumnBytes(List.of("text"), overhead))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid bytes per row overhead (must be positive and finite): " + overhead);
  }

  @Test
  void planningOptionsRequireACostModel() {
    assertThatThrownBy(() -> new PlanningOptions(1_000, OptionalLong.empty(), 4, 2, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("rowCost is null");
  }
}

package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InferencePlanTest {

  private static FileSplit whole(String path, long rows) {
    return new FileSplit(path, 0, 100, rows, 100);
  }

  private static PlannedTask task(int index, long... rows) {
    List<FileSplit> splits = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      splits.add(whole("t" + index + "-f" + i, rows[i]));
    }
    return new PlannedTask(index, splits);
  }

  private static InferencePlan planOfTasks(long... taskRows) {
    List<PlannedTask> tasks = new ArrayList<>();
    for (int i = 0; i < taskRows.length; i++) {
      tasks.add(task(i, taskRows[i]));
    }
    return new InferencePlan(List.of(new Chunk(0, tasks)), 10);
  }

  @Test
  void statisticsSumOverChunksAndTasks() {
    FileSplit a0 = new FileSplit("a", 0, 40, 400, 100);
    FileSplit a1 = new FileSplit("a", 40, 60, 600, 100);
    FileSplit b = whole("b", 50);
    FileSplit c = whole("c", 70);
    Chunk first =
        new Chunk(0, List.of(new PlannedTask(0, List.of(a0)), new PlannedTask(1, List.of(b, c))));
    Chunk second = new Chunk(1, List.of(new PlannedTask(0, List.of(a1))));
    InferencePlan plan = new InferencePlan(List.of(first, second), 500);

    assertThat(first.rows()).isEqualTo(520);
    assertThat(first.splits()).containsExactly(a0, b, c);
    assertThat(plan.totalRows()).isEqualTo(1_120);
    assertThat(plan.taskCount()).isEqualTo(3);
    assertThat(plan.splitCount()).isEqualTo(4);
    assertThat(plan.fileCount()).as("a file split over two chunks counts once").isEqualTo(3);
    assertThat(plan.taskRows()).containsExactly(120, 400, 600);
    assertThat(plan.rowsPerTask()).isEqualTo(500);
  }

  @Test
  void emptyPlan() {
    InferencePlan plan = new InferencePlan(List.of(), 10);
    assertThat(plan.totalRows()).isZero();
    assertThat(plan.taskCount()).isZero();
    assertThat(plan.fileCount()).isZero();
    assertThat(plan.splitCount()).isZero();
    assertThat(plan.taskRows()).isEmpty();
    assertThat(plan.taskCosts()).isEmpty();
    assertThat(plan.estimatedSkew()).isEqualTo(1.0);
    assertThat(plan.estimatedCostSkew()).isEqualTo(1.0);
  }

  @Test
  void costSkewIsCostliestOverMedianTaskCost() {
    // Equal rows, the last task's rows three times as costly.
    PlannedTask cheap0 = new PlannedTask(0, List.of(new FileSplit("a", 0, 100, 10, 100, 100)));
    PlannedTask cheap1 = new PlannedTask(1, List.of(new FileSplit("b", 0, 100, 10, 100, 100)));
    PlannedTask dear =
        new PlannedTask(
            2,
            List.of(
                new FileSplit("c", 0, 40, 5, 100, 150), new FileSplit("c", 40, 60, 5, 100, 150)));
    InferencePlan plan =
        new InferencePlan(List.of(new Chunk(0, List.of(dear, cheap0, cheap1))), 10);

    assertThat(dear.cost()).isEqualTo(300);
    assertThat(plan.taskRows()).containsExactly(10, 10, 10);
    assertThat(plan.taskCosts()).containsExactly(100, 100, 300);
    assertThat(plan.estimatedSkew()).isEqualTo(1.0);
    assertThat(plan.estimatedCostSkew()).isEqualTo(3.0);
  }

  @Test
  void rowsOnlyCostSkewEqualsRowSkew() {
    for (InferencePlan plan :
        List.of(planOfTasks(100, 10, 30, 20), planOfTasks(40, 10, 20), planOfTasks(7))) {
      assertThat(plan.taskCosts()).isEqualTo(plan.taskRows());
      assertThat(plan.estimatedCostSkew()).isEqualTo(plan.estimatedSkew());
    }
  }

  @Test
  void taskCostsAreSortedAndACopy() {
    InferencePlan plan = planOfTasks(30, 10, 20);
    long[] costs = plan.taskCosts();
    assertThat(costs).containsExactly(10, 20, 30);
    costs[0] = 999;
    assertThat(plan.taskCosts()).containsExactly(10, 20, 30);
  }

  @Test
  void skewIsLargestOverMedianTask() {
    assertThat(planOfTasks(100, 100, 100).estimatedSkew()).isEqualTo(1.0);
    assertThat(planOfTasks(40, 10, 20).estimatedSkew()).isEqualTo(2.0); // median 20
    assertThat(planOfTasks(100, 10, 30, 20).estimatedSkew()).isEqualTo(5.0); // lower median 20
    assertThat(planOfTasks(7).estimatedSkew()).isEqualTo(1.0);
    assertThat(planOfTasks(0, 0, 0).estimatedSkew()).isEqualTo(1.0); // no division by zero
  }

  @Test
  void taskRowsAreSortedAndACopy() {
    InferencePlan plan = planOfTasks(30, 10, 20);
    long[] rows = plan.taskRows();
    assertThat(rows).containsExactly(10, 20, 30);
    rows[0] = 999;
    assertThat(plan.taskRows()).containsExactly(10, 20, 30);
  }

  @Test
  void planChunkAndTaskAreImmutableCopies() {
    List<FileSplit> splits = new ArrayList<>(List.of(whole("a", 1)));
    PlannedTask task = new PlannedTask(0, splits);
    List<PlannedTask> tasks = new ArrayList<>(List.of(task));
    Chunk chunk = new Chunk(0, tasks);
    List<Chunk> chunks = new ArrayList<>(List.of(chunk));
    InferencePlan plan = new InferencePlan(chunks, 1);

    splits.add(whole("b", 1));
    tasks.add(task);
    chunks.add(chunk);
    assertThat(task.splits()).hasSize(1);
    assertThat(chunk.tasks()).hasSize(1);
    assertThat(plan.chunks()).hasSize(1);
    assertThatThrownBy(() -> plan.chunks().add(chunk))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> chunk.tasks().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> task.splits().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void tasksSurviveJavaSerializationAsSparkShipsThem() throws Exception {
    PlannedTask task =
        new PlannedTask(
            3,
            List.of(
                new FileSplit("s3://b/t/p.parquet", 4, 96, 12, 200),
                new FileSplit("s3://b/t/q.parquet", 0, 50, 12, 50, 7_000)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(task);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(task);
    }
  }

  @Nested
  class Records {
    @Test
    void fileSplitValidatesItsRange() {
      assertThat(new FileSplit("p", 0, 100, 5, 100).wholeFile()).isTrue();
      assertThat(new FileSplit("p", 4, 96, 5, 100).wholeFile()).isFalse();
      assertThat(new FileSplit("p", 0, 50, 5, 100).wholeFile()).isFalse();
      assertThat(new FileSplit("p", 100, 0, 0, 100).length()).isZero();

      assertThatThrownBy(() -> new FileSplit("p", 60, 50, 5, 100))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid split of p: start 60, length 50, file size 100");
      assertThatThrownBy(() -> new FileSplit("p", -1, 10, 5, 100))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new FileSplit("p", 0, -1, 5, 100))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new FileSplit("p", 0, 10, -1, 100))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new FileSplit(null, 0, 10, 1, 100))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("path is null");
    }

    @Test
    void fileSplitCostDefaultsToItsRowsAndIsNeverNegative() {
      assertThat(new FileSplit("p", 0, 100, 5, 100).cost()).isEqualTo(5);
      assertThat(new FileSplit("p", 0, 100, 5, 100))
          .isEqualTo(new FileSplit("p", 0, 100, 5, 100, 5));
      assertThat(new FileSplit("p", 0, 100, 5, 100, 4_000).cost()).isEqualTo(4_000);
      assertThatThrownBy(() -> new FileSplit("p", 0, 100, 5, 100, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid split of p: negative cost -1");
    }

    @Test
    void fileSplitRejectsRangesThatOverflow() {
      assertThatThrownBy(() -> new FileSplit("p", Long.MAX_VALUE, 1, 0, 100))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inputFileValidates() {
      assertThat(new InputFile("p", 0, 0).rows()).isZero();
      assertThatThrownBy(() -> new InputFile("p", -1, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid input file (negative size or rows): p");
      assertThatThrownBy(() -> new InputFile("p", 0, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("p");
      assertThatThrownBy(() -> new InputFile(null, 0, 0))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("path is null");
    }

    @Test
    void rowGroupValidates() {
      assertThat(new RowGroup(4, 0, 0).offset()).isEqualTo(4);
      assertThatThrownBy(() -> new RowGroup(-1, 10, 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid row group (negative offset, size or rows): -1, 10, 10");
      assertThatThrownBy(() -> new RowGroup(4, -1, 10))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RowGroup(4, 10, -1))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(new RowGroup(4, 10, 10).costColumnBytes()).as("no cost columns").isZero();
      assertThat(new RowGroup(4, 10, 10, 700).costColumnBytes()).isEqualTo(700);
      assertThatThrownBy(() -> new RowGroup(4, 10, 10, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid row group (negative cost column bytes): -1");
    }
  }
}

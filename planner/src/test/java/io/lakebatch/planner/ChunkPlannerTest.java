package io.lakebatch.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChunkPlannerTest {

  private static PlanningOptions withTask(long rowsPerChunk, long rowsPerTask) {
    return new PlanningOptions(rowsPerChunk, OptionalLong.of(rowsPerTask), 8, 2);
  }

  private static PlanningOptions perCore(long rowsPerChunk, int cores, int tasksPerCore) {
    return new PlanningOptions(rowsPerChunk, OptionalLong.empty(), cores, tasksPerCore);
  }

  private static long fileRows(List<InputFile> files) {
    return files.stream().mapToLong(InputFile::rows).sum();
  }

  private static List<FileSplit> allSplits(InferencePlan plan) {
    return plan.chunks().stream().flatMap(c -> c.splits().stream()).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Invariants checked for every plan, in the property loop and in the example tests.
  // ---------------------------------------------------------------------------------------------

  static void assertPlanInvariants(
      List<InputFile> files,
      FakeRowGroupSource source,
      PlanningOptions options,
      InferencePlan plan) {
    String ctx = "options " + options + ", files " + files.size();
    assertThat(plan.rowsPerTask()).as(ctx).isEqualTo(options.effectiveRowsPerTask());

    // Every input row is planned exactly once.
    List<FileSplit> splits = allSplits(plan);
    assertThat(splits.stream().mapToLong(FileSplit::rows).sum()).as(ctx).isEqualTo(fileRows(files));
    assertThat(plan.totalRows()).as(ctx).isEqualTo(fileRows(files));

    Map<String, InputFile> byPath =
        files.stream().collect(Collectors.toMap(InputFile::path, f -> f));
    Map<String, List<FileSplit>> splitsByFile =
        splits.stream().collect(Collectors.groupingBy(FileSplit::path));
    Set<String> expectedPaths =
        files.stream().filter(f -> f.rows() > 0).map(InputFile::path).collect(Collectors.toSet());
    assertThat(splitsByFile.keySet())
        .as(ctx + ": files with rows, and only those")
        .isEqualTo(expectedPaths);
    assertThat(plan.fileCount()).isEqualTo(expectedPaths.size());
    assertThat(plan.splitCount()).isEqualTo(splits.size());

    for (Map.Entry<String, List<FileSplit>> e : splitsByFile.entrySet()) {
      InputFile file = byPath.get(e.getKey());
      List<FileSplit> fileSplits = new ArrayList<>(e.getValue());
      fileSplits.sort(Comparator.comparingLong(FileSplit::start));
      String fctx = ctx + ", file " + file;
      // Disjoint, contiguous, covering [0, fileSize) exactly.
      long expectedStart = 0;
      for (FileSplit s : fileSplits) {
        assertThat(s.fileSize()).as(fctx).isEqualTo(file.sizeBytes());
        assertThat(s.start()).as(fctx + " split " + s).isEqualTo(expectedStart);
        assertThat(s.length()).as(fctx + " split " + s).isPositive();
        expectedStart = s.start() + s.length();
      }
      assertThat(expectedStart)
          .as(fctx + ": splits end at the file's end")
          .isEqualTo(file.sizeBytes());
      if (fileSplits.size() == 1) {
        assertThat(fileSplits.get(0).wholeFile()).as(fctx).isTrue();
        assertThat(fileSplits.get(0).rows()).as(fctx).isEqualTo(file.rows());
      }

      // Every row group's midpoint falls in exactly one split, the one that counts its rows.
      List<RowGroup> groups = source.groupsOf(file.path());
      Map<FileSplit, Long> rowsByMidpoint = new HashMap<>();
      Map<FileSplit, Long> textByMidpoint = new HashMap<>();
      Map<FileSplit, Integer> groupsByMidpoint = new HashMap<>();
      for (RowGroup g : groups) {
        long mid = g.offset() + g.compressedSize() / 2;
        List<FileSplit> holders =
            fileSplits.stream()
                .filter(s -> mid >= s.start() && mid < s.start() + s.length())
                .toList();
        assertThat(holders).as(fctx + ", midpoint of " + g).hasSize(1);
        rowsByMidpoint.merge(holders.get(0), g.rows(), Long::sum);
        textByMidpoint.merge(holders.get(0), g.costColumnBytes(), Long::sum);
        groupsByMidpoint.merge(holders.get(0), 1, Integer::sum);
      }
      for (FileSplit s : fileSplits) {
        assertThat(rowsByMidpoint.getOrDefault(s, 0L))
            .as(fctx + ": rows of the groups a reader picks for " + s)
            .isEqualTo(s.rows());
        // A split's cost is that of its row groups; joined pieces each round their overhead up.
        RowCost rowCost = options.rowCost();
        long text = rowCost.needsColumnSizes() ? textByMidpoint.getOrDefault(s, 0L) : 0;
        assertThat(s.cost())
            .as(fctx + ": cost of " + s)
            .isBetween(
                rowCost.cost(s.rows(), text),
                rowCost.cost(s.rows(), text) + groupsByMidpoint.getOrDefault(s, 0));
        // A split within one task may join neighbouring pieces, but never beyond that task's rows.
        assertThat(s.rows())
            .as(fctx + ": split " + s)
            .isLessThanOrEqualTo(
                plan.chunks().stream()
                    .flatMap(c -> c.tasks().stream())
                    .filter(t -> t.splits().contains(s))
                    .mapToLong(PlannedTask::rows)
                    .max()
                    .orElseThrow());
      }
    }

    assertThat(Arrays.stream(plan.taskCosts()).sum())
        .as(ctx)
        .isEqualTo(splits.stream().mapToLong(FileSplit::cost).sum());
    if (!options.rowCost().needsColumnSizes() && options.rowCost().bytesPerRowOverhead() == 1.0) {
      assertThat(plan.taskCosts()).as(ctx).isEqualTo(plan.taskRows());
      assertThat(plan.estimatedCostSkew()).as(ctx).isEqualTo(plan.estimatedSkew());
    }

    // Chunks: indices 0..n-1, sizes within rowsPerChunk unless a single oversized piece.
    long totalRows = plan.chunks().stream().mapToLong(Chunk::rows).sum();
    long largestPieceRows = splits.stream().mapToLong(FileSplit::rows).max().orElse(0);
    assertThat((long) plan.chunks().size())
        .as(ctx + ": no fewer chunks than the rows need")
        .isGreaterThanOrEqualTo(
            Math.min(
                splits.size(), (totalRows + options.rowsPerChunk() - 1) / options.rowsPerChunk()));
    for (int i = 0; i < plan.chunks().size(); i++) {
      Chunk chunk = plan.chunks().get(i);
      String cctx = ctx + ", chunk " + i;
      assertThat(chunk.index()).as(cctx).isEqualTo(i);
      assertThat(chunk.tasks()).as(cctx).isNotEmpty();
      if (chunk.splits().size() > 1) {
        assertThat(chunk.rows())
            .as(cctx)
            .isLessThanOrEqualTo(
                options.rowsPerChunk() + ChunkPlanner.overshoot(options.rowsPerChunk()));
      }
      // Chunks share the rows evenly: each within one piece of the mean.
      if (plan.chunks().size() > 1) {
        assertThat((double) chunk.rows())
            .as(cctx)
            .isCloseTo(
                (double) totalRows / plan.chunks().size(),
                org.assertj.core.data.Offset.offset((double) largestPieceRows));
      }
      // Tasks: indices 0..k-1, none empty, their costs balanced within the costliest piece.
      long largestPiece = chunk.splits().stream().mapToLong(FileSplit::cost).max().orElseThrow();
      long min = Long.MAX_VALUE;
      long max = 0;
      for (int t = 0; t < chunk.tasks().size(); t++) {
        PlannedTask task = chunk.tasks().get(t);
        assertThat(task.index()).as(cctx).isEqualTo(t);
        assertThat(task.splits()).as(cctx).isNotEmpty();
        min = Math.min(min, task.cost());
        max = Math.max(max, task.cost());
      }
      assertThat(max).as(cctx + ": balance").isLessThanOrEqualTo(min + largestPiece);
      long wanted = (chunk.rows() + plan.rowsPerTask() - 1) / plan.rowsPerTask();
      if (options.rowsPerTask().isEmpty()) {
        wanted = Math.max(wanted, (long) options.cores() * options.tasksPerCore());
      }
      assertThat((long) chunk.tasks().size())
          .as(cctx + ": task count")
          .isLessThanOrEqualTo(Math.max(1, wanted));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Property-style loop.
  // ---------------------------------------------------------------------------------------------

  private record Case(List<InputFile> files, FakeRowGroupSource source, PlanningOptions options) {}

  private static Case randomCase(Random random) {
    FakeRowGroupSource source = new FakeRowGroupSource();
    int fileCount = random.nextInt(51);
    List<InputFile> files = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int shape = random.nextInt(3); // 0: small row groups, 1: large ones, 2: mixed
    for (int i = 0; i < fileCount; i++) {
      String path;
      do {
        path =
            "s3://bucket/table/part-" + Integer.toHexString(random.nextInt(1 << 20)) + ".parquet";
      } while (!names.add(path));
      if (random.nextInt(10) == 0) {
        files.add(source.add(path)); // zero rows, no row groups
        continue;
      }
      long textBytesPerRow = random.nextInt(4) == 0 ? 0 : random.nextInt(5_000);
      int groupCount = 1 + random.nextInt(random.nextBoolean() ? 3 : 40);
      long[] rows = new long[groupCount];
      for (int g = 0; g < groupCount; g++) {
        long bound =
            switch (shape) {
              case 0 -> 2_000;
              case 1 -> 200_000;
              default -> random.nextInt(8) == 0 ? 500_000 : 5_000;
            };
        rows[g] = 1 + (long) random.nextInt((int) bound);
      }
      files.add(source.addText(path, textBytesPerRow, rows));
    }
    long rowsPerChunk = 1 + random.nextInt(random.nextBoolean() ? 50_000 : 2_000_000);
    OptionalLong rowsPerTask =
        random.nextBoolean()
            ? OptionalLong.empty()
            : OptionalLong.of(
                1 + random.nextInt((int) Math.min(Integer.MAX_VALUE - 1, rowsPerChunk * 2)));
    int cores = 1 + random.nextInt(128);
    int tasksPerCore = 1 + random.nextInt(4);
    double[] overheads = {0.25, 1, 7.5, RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD, 1_000};
    RowCost rowCost =
        random.nextBoolean()
            ? RowCost.rowsOnly()
            : RowCost.byColumnBytes(
                List.of(FakeRowGroupSource.TEXT), overheads[random.nextInt(overheads.length)]);
    return new Case(
        files,
        source,
        new PlanningOptions(rowsPerChunk, rowsPerTask, cores, tasksPerCore, rowCost));
  }

  @Test
  void randomInputsArePlannedCompletelyExactlyOnceAndDeterministically() {
    Random random = new Random(20240607L);
    for (int i = 0; i < 200; i++) {
      Case c = randomCase(random);
      InferencePlan plan = ChunkPlanner.plan(c.files(), c.source(), c.options());
      assertPlanInvariants(c.files(), c.source(), c.options(), plan);

      // Footers are read at most once each: for files with more rows than a piece, or for every
      // file with rows when the cost model needs column sizes.
      boolean everyFooter = c.options().rowCost().needsColumnSizes();
      for (InputFile f : c.files()) {
        assertThat(c.source().calls(f.path()))
            .as("footer reads of " + f + " with " + c.options())
            .isEqualTo(f.rows() > c.options().pieceRows() || (everyFooter && f.rows() > 0) ? 1 : 0);
      }

      // Same input in another order: the same plan.
      List<InputFile> shuffled = new ArrayList<>(c.files());
      Collections.shuffle(shuffled, random);
      assertThat(ChunkPlanner.plan(shuffled, c.source(), c.options()))
          .as("case " + i)
          .isEqualTo(plan);

      // Another cluster size: the same chunks, each with the same splits.
      PlanningOptions otherCores =
          new PlanningOptions(
              c.options().rowsPerChunk(),
              c.options().rowsPerTask(),
              1 + random.nextInt(256),
              1 + random.nextInt(4),
              c.options().rowCost());
      InferencePlan other = ChunkPlanner.plan(c.files(), c.source(), otherCores);
      assertSameChunks(plan, other);

      // The other cost model: the same chunks, and the same number of tasks in each.
      RowCost otherCost =
          c.options().rowCost().needsColumnSizes()
              ? RowCost.rowsOnly()
              : RowCost.byColumnBytes(
                  List.of(FakeRowGroupSource.TEXT), RowCost.DEFAULT_BYTES_PER_ROW_OVERHEAD);
      InferencePlan otherCostPlan =
          ChunkPlanner.plan(
              c.files(),
              c.source(),
              new PlanningOptions(
                  c.options().rowsPerChunk(),
                  c.options().rowsPerTask(),
                  c.options().cores(),
                  c.options().tasksPerCore(),
                  otherCost));
      assertSameChunks(plan, otherCostPlan);
      for (int k = 0; k < plan.chunks().size(); k++) {
        assertThat(otherCostPlan.chunks().get(k).tasks())
            .as("case %d chunk %d", i, k)
            .hasSameSizeAs(plan.chunks().get(k).tasks());
      }
    }
  }

  private static void assertSameChunks(InferencePlan a, InferencePlan b) {
    assertThat(b.chunks()).hasSameSizeAs(a.chunks());
    for (int i = 0; i < a.chunks().size(); i++) {
      assertThat(coverage(b.chunks().get(i)))
          .as("byte ranges covered by chunk " + i)
          .isEqualTo(coverage(a.chunks().get(i)));
    }
  }

  /**
   * The chunk's byte ranges per file with neighbouring ranges joined: what rows it covers, however
   * tasks cut it.
   */
  private static List<String> coverage(Chunk chunk) {
    List<FileSplit> sorted = new ArrayList<>(chunk.splits());
    sorted.sort(
        java.util.Comparator.comparing(FileSplit::path).thenComparingLong(FileSplit::start));
    List<String> ranges = new ArrayList<>();
    String path = null;
    long start = 0;
    long end = 0;
    for (FileSplit s : sorted) {
      if (s.path().equals(path) && s.start() == end) {
        end += s.length();
        continue;
      }
      if (path != null) {
        ranges.add(path + ":" + start + "-" + end);
      }
      path = s.path();
      start = s.start();
      end = s.start() + s.length();
    }
    if (path != null) {
      ranges.add(path + ":" + start + "-" + end);
    }
    return ranges;
  }

  // ---------------------------------------------------------------------------------------------
  // Examples.
  // ---------------------------------------------------------------------------------------------

  @Nested
  class Determinism {
    @Test
    void fileOrderDoesNotChangeThePlan() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        files.add(source.addUniform(String.format("f-%02d", i), 1 + i % 7, 3_000 + 100L * i));
      }
      PlanningOptions options = withTask(60_000, 7_000);
      InferencePlan plan = ChunkPlanner.plan(files, source, options);
      List<InputFile> reversed = new ArrayList<>(files);
      Collections.reverse(reversed);
      assertThat(ChunkPlanner.plan(reversed, source, options)).isEqualTo(plan);
      assertThat(plan.chunks()).hasSizeGreaterThan(1);
      assertPlanInvariants(files, source, options, plan);
    }

    @Test
    void chunkBoundariesDoNotDependOnCores() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      files.add(source.addUniform("big", 200, 10_000));
      for (int i = 0; i < 50; i++) {
        files.add(source.add("small-" + i, 700 + i));
      }
      InferencePlan two = ChunkPlanner.plan(files, source, perCore(500_000, 2, 2));
      InferencePlan many = ChunkPlanner.plan(files, source, perCore(500_000, 64, 3));
      assertThat(two.chunks()).hasSizeGreaterThan(1);
      assertSameChunks(two, many);
      assertThat(many.taskCount()).isGreaterThan(two.taskCount());
    }

    @Test
    void rowGroupOrderFromTheFooterDoesNotMatter() {
      FakeRowGroupSource ordered = new FakeRowGroupSource();
      FakeRowGroupSource reversed = new FakeRowGroupSource().reversed();
      long[] rows = {5_000, 12_000, 3_000, 8_000, 8_000, 1_000, 20_000};
      InputFile a = ordered.add("f", rows);
      InputFile b = reversed.add("f", rows);
      PlanningOptions options = withTask(1_000_000, 10_000);
      InferencePlan plan = ChunkPlanner.plan(List.of(a), ordered, options);
      assertThat(ChunkPlanner.plan(List.of(b), reversed, options)).isEqualTo(plan);
      assertPlanInvariants(List.of(a), ordered, options, plan);
    }
  }

  @Nested
  class Packing {
    @Test
    void chunksShareTheRowsEvenlyInsteadOfLeavingASmallRemainder() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        files.add(source.add(String.format("part-%03d", i), 125_000));
      }
      InferencePlan plan = ChunkPlanner.plan(files, source, perCore(2_000_000, 2, 4));

      assertThat(plan.chunks())
          .extracting(Chunk::rows)
          .containsExactly(2_000_000L, 2_000_000L, 2_000_000L);
    }

    @Test
    void rowGroupBoundariesNearTheTargetDoNotAddAChunk() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        // 250,000 rows in row groups of 5,003 (and one of 4,853): no cut lands exactly on 2M
        long[] groups = new long[50];
        java.util.Arrays.fill(groups, 5_003);
        groups[49] = 4_853;
        files.add(source.add(String.format("part-%03d", i), groups));
      }
      InferencePlan plan = ChunkPlanner.plan(files, source, perCore(2_000_000, 2, 4));

      assertThat(plan.chunks()).hasSize(3);
      assertThat(plan.chunks())
          .allSatisfy(
              c ->
                  assertThat(c.rows())
                      .isCloseTo(2_000_000L, org.assertj.core.data.Offset.offset(5_003L)));
    }

    @Test
    void coarsePiecesThatCannotMakeThreeFullChunksMakeFourEvenOnes() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        files.add(source.add(String.format("part-%03d", i), 60_000));
      }
      // 33 pieces fit in 2M, so 3 chunks cannot hold 6M: 4 of 1.5M, not 3 of 1.98M and one of 60k.
      InferencePlan plan = ChunkPlanner.plan(files, source, perCore(2_000_000, 2, 4));

      assertThat(plan.chunks())
          .extracting(Chunk::rows)
          .containsExactly(1_500_000L, 1_500_000L, 1_500_000L, 1_500_000L);
    }

    @Test
    void smallFilesArePackedIntoFewTasks() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        files.add(source.add(String.format("small-%03d", i), 1_000));
      }
      PlanningOptions options = withTask(10_000_000, 10_000);
      InferencePlan plan = ChunkPlanner.plan(files, source, options);

      assertThat(plan.chunks()).hasSize(1);
      assertThat(plan.taskCount()).isEqualTo(10);
      assertThat(plan.taskRows()).containsOnly(10_000L);
      assertThat(plan.splitCount()).isEqualTo(100);
      assertThat(allSplits(plan)).allMatch(FileSplit::wholeFile);
      assertThat(source.totalCalls()).as("no footer read for small files").isZero();
      assertPlanInvariants(files, source, options, plan);
    }

    @Test
    void largeFileIsSplitAtRowGroupBoundaries() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile big = source.addUniform("big", 100, 10_000);
      PlanningOptions options = withTask(10_000_000, 50_000);
      InferencePlan plan = ChunkPlanner.plan(List.of(big), source, options);

      assertThat(plan.splitCount()).isEqualTo(20);
      assertThat(allSplits(plan)).extracting(FileSplit::rows).containsOnly(50_000L);
      assertThat(plan.taskCount()).isEqualTo(20);
      assertThat(plan.taskRows()).containsOnly(50_000L);
      List<RowGroup> groups = source.groupsOf("big");
      List<FileSplit> sorted =
          allSplits(plan).stream().sorted(Comparator.comparingLong(FileSplit::start)).toList();
      assertThat(sorted.get(0).start()).isZero();
      for (int i = 1; i < sorted.size(); i++) {
        assertThat(sorted.get(i).start())
            .as("split %d starts at a row group", i)
            .isEqualTo(groups.get(5 * i).offset());
      }
      assertThat(source.calls("big")).isEqualTo(1);
      assertPlanInvariants(List.of(big), source, options, plan);
    }

    @Test
    void rowGroupLargerThanTheTargetStaysWhole() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile file = source.add("f", 10_000, 200_000, 10_000);
      PlanningOptions options = withTask(1_000_000, 50_000);
      InferencePlan plan = ChunkPlanner.plan(List.of(file), source, options);

      assertThat(allSplits(plan).stream().sorted(Comparator.comparingLong(FileSplit::start)))
          .extracting(FileSplit::rows)
          .containsExactly(10_000L, 200_000L, 10_000L);
      assertPlanInvariants(List.of(file), source, options, plan);
    }

    @Test
    void rowGroupLargerThanAChunkGetsAChunkOfItsOwn() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile file = source.add("f", 1_000, 50_000, 1_000);
      PlanningOptions options = withTask(10_000, 5_000);
      InferencePlan plan = ChunkPlanner.plan(List.of(file), source, options);

      assertThat(plan.chunks()).extracting(Chunk::rows).containsExactly(1_000L, 50_000L, 1_000L);
      assertPlanInvariants(List.of(file), source, options, plan);
    }

    @Test
    void zeroRowFilesAreSkippedWithoutReadingFooters() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile empty = source.add("empty");
      InputFile full = source.add("full", 500);
      PlanningOptions options = withTask(1_000, 100);
      InferencePlan plan = ChunkPlanner.plan(List.of(empty, full), source, options);

      assertThat(allSplits(plan)).extracting(FileSplit::path).containsOnly("full");
      assertThat(source.calls("empty")).isZero();
      assertPlanInvariants(List.of(empty, full), source, options, plan);
    }

    @Test
    void noInputOrOnlyEmptyFilesGiveAnEmptyPlan() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InferencePlan none = ChunkPlanner.plan(List.of(), source, withTask(1_000, 100));
      InferencePlan empties =
          ChunkPlanner.plan(
              List.of(source.add("a"), source.add("b")), source, withTask(1_000, 100));
      for (InferencePlan plan : List.of(none, empties)) {
        assertThat(plan.chunks()).isEmpty();
        assertThat(plan.totalRows()).isZero();
        assertThat(plan.taskCount()).isZero();
        assertThat(plan.estimatedSkew()).isEqualTo(1.0);
      }
      assertThat(source.totalCalls()).isZero();
    }

    @Test
    void footersAreReadOnlyForFilesLargerThanAPiece() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      PlanningOptions options = withTask(100_000, 10_000);
      assertThat(options.pieceRows()).isEqualTo(10_000);
      InputFile atLimit = source.add("at-limit", 4_000, 6_000);
      InputFile above = source.add("above", 4_000, 6_001);
      InputFile small = source.add("small", 10);
      InferencePlan plan = ChunkPlanner.plan(List.of(atLimit, above, small), source, options);

      assertThat(source.calls("at-limit")).isZero();
      assertThat(source.calls("small")).isZero();
      assertThat(source.calls("above")).isEqualTo(1);
      assertPlanInvariants(List.of(atLimit, above, small), source, options, plan);
    }

    @Test
    void rowCountMismatchNamesTheFile() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile real = source.addUniform("s3://b/t/part-7.parquet", 4, 1_000);
      InputFile wrong = new InputFile(real.path(), real.sizeBytes(), 4_001);
      assertThatThrownBy(() -> ChunkPlanner.plan(List.of(wrong), source, withTask(10_000, 1_000)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContainingAll("s3://b/t/part-7.parquet", "4001", "4000");
    }
  }

  @Nested
  class Chunking {
    @Test
    void chunksRespectRowsPerChunkAndAreIndexedInOrder() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        files.add(source.addUniform(String.format("f-%02d", i), 1 + i % 5, 2_500));
      }
      PlanningOptions options = withTask(20_000, 5_000);
      InferencePlan plan = ChunkPlanner.plan(files, source, options);

      assertThat(plan.chunks()).hasSizeGreaterThan(5);
      assertThat(plan.chunks())
          .extracting(Chunk::index)
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, plan.chunks().size()).boxed().toList());
      assertThat(plan.chunks()).allSatisfy(c -> assertThat(c.rows()).isLessThanOrEqualTo(20_000));
      // Chunks follow path order: the first chunk holds the first file.
      assertThat(plan.chunks().get(0).splits()).extracting(FileSplit::path).contains("f-00");
      assertPlanInvariants(files, source, options, plan);
    }

    @Test
    void skewedInputIsBalancedBySplittingTheLargeFile() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      files.add(source.addUniform("part-big", 80, 10_000)); // 80% of the rows
      for (int i = 0; i < 200; i++) {
        files.add(source.add(String.format("part-%03d", i), 1_000));
      }
      for (PlanningOptions options :
          List.of(
              withTask(1_000_000, 50_000),
              withTask(250_000, 50_000),
              perCore(1_000_000, 8, 2),
              perCore(250_000, 2, 2))) {
        InferencePlan plan = ChunkPlanner.plan(files, source, options);
        assertThat(plan.estimatedSkew())
            .as("skew with %s, tasks %s", options, java.util.Arrays.toString(plan.taskRows()))
            .isLessThan(1.3);
        long[] rows = plan.taskRows();
        assertThat(rows[rows.length - 1])
            .as("no task near the big file's 800,000 rows")
            .isLessThan(200_000);
        assertPlanInvariants(files, source, options, plan);
      }
    }

    @Test
    void largeFilesStillGiveEveryCoreWorkWhenRowsPerTaskIsLeftOut() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile big = source.addUniform("big", 1_000, 10_000); // 10M rows, 10,000-row groups
      PlanningOptions options = perCore(1_000_000, 64, 2);
      InferencePlan plan = ChunkPlanner.plan(List.of(big), source, options);
      for (Chunk chunk : plan.chunks()) {
        assertThat(chunk.tasks().size())
            .as("tasks of chunk %d on 64 cores", chunk.index())
            .isGreaterThanOrEqualTo(64);
      }
    }
  }

  @Nested
  class CostPacking {
    private static final double OVERHEAD = 10;
    private final RowCost byText =
        RowCost.byColumnBytes(List.of(FakeRowGroupSource.TEXT), OVERHEAD);

    private PlanningOptions withCost(PlanningOptions options, RowCost rowCost) {
      return new PlanningOptions(
          options.rowsPerChunk(),
          options.rowsPerTask(),
          options.cores(),
          options.tasksPerCore(),
          rowCost);
    }

    /** Task costs under the text cost model, whatever model the plan was packed with. */
    private long[] textCosts(InferencePlan plan, Map<String, Long> textBytesPerRow) {
      return plan.chunks().stream()
          .flatMap(c -> c.tasks().stream())
          .mapToLong(
              t ->
                  t.splits().stream()
                      .mapToLong(
                          s -> byText.cost(s.rows(), s.rows() * textBytesPerRow.get(s.path())))
                      .sum())
          .sorted()
          .toArray();
    }

    private static double maxOverMedian(long[] sorted) {
      return (double) sorted[sorted.length - 1] / sorted[(sorted.length - 1) / 2];
    }

    @Test
    void oneFileWithFiveTimesLongerTextIsBalancedByCostNotRows() {
      // 16 files of 10,000 rows in one chunk of 4 tasks; one file's text is 5x longer (2,000 bytes
      // a row against 400). By rows each task takes 4 files, and the one with the long file costs
      // (3 x 410 + 2,010) / (4 x 410) = 1.98x the median. By cost the long file shares its task
      // with at most one short file.
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      Map<String, Long> textBytesPerRow = new HashMap<>();
      for (int i = 0; i < 16; i++) {
        String path = String.format("part-%02d", i);
        long text = i == 5 ? 2_000 : 400;
        files.add(source.addText(path, text, 10_000));
        textBytesPerRow.put(path, text);
      }
      for (PlanningOptions rowsOnly :
          List.of(withTask(1_000_000, 40_000), perCore(160_000, 2, 2))) {
        InferencePlan byRows = ChunkPlanner.plan(files, source, rowsOnly);
        PlanningOptions costOptions = withCost(rowsOnly, byText);
        InferencePlan byCost = ChunkPlanner.plan(files, source, costOptions);

        assertThat(byRows.chunks()).hasSize(1);
        assertThat(byRows.taskCount()).isEqualTo(4);
        assertThat(byCost.taskCount()).isEqualTo(4);
        assertThat(byRows.estimatedSkew()).isEqualTo(1.0);
        assertThat(byRows.estimatedCostSkew()).as("rows-only costs are rows").isEqualTo(1.0);
        assertThat(maxOverMedian(textCosts(byRows, textBytesPerRow)))
            .as("text cost skew packed by rows, %s", rowsOnly)
            .isGreaterThan(1.5);

        assertThat(byCost.taskCosts()).isEqualTo(textCosts(byCost, textBytesPerRow));
        assertThat(byCost.estimatedCostSkew())
            .as(
                "text cost skew packed by cost, %s: %s",
                rowsOnly, Arrays.toString(byCost.taskCosts()))
            .isLessThanOrEqualTo(1.15);
        PlannedTask longTextTask =
            byCost.chunks().get(0).tasks().stream()
                .filter(t -> t.splits().stream().anyMatch(s -> s.path().equals("part-05")))
                .findFirst()
                .orElseThrow();
        assertThat(longTextTask.rows())
            .as("the long text's task takes fewer rows")
            .isLessThan(20_000);
        assertPlanInvariants(files, source, costOptions, byCost);
        assertSameChunks(byRows, byCost);
      }
    }

    @Test
    void piecesOfALargeFileWithLongTextCarryItsCost() {
      // One chunk of 256,000 rows on 4 cores x 2: pieces of 1,000 rows, 8 tasks. An eighth of the
      // rows are in one file whose text is 5x the others', cut into 32 pieces.
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      Map<String, Long> textBytesPerRow = new HashMap<>();
      long[] groups = new long[64];
      Arrays.fill(groups, 500);
      files.add(source.addText("big", 1_000, groups));
      textBytesPerRow.put("big", 1_000L);
      for (int i = 0; i < 224; i++) {
        String path = String.format("small-%03d", i);
        files.add(source.addText(path, 200, 1_000));
        textBytesPerRow.put(path, 200L);
      }
      PlanningOptions options = withCost(perCore(256_000, 4, 2), byText);
      InferencePlan plan = ChunkPlanner.plan(files, source, options);

      assertThat(plan.chunks()).hasSize(1);
      assertThat(plan.taskCount()).isEqualTo(8);
      assertThat(
              allSplits(plan).stream()
                  .filter(s -> s.path().equals("big"))
                  .mapToLong(FileSplit::cost)
                  .sum())
          .isEqualTo(32_000L * (1_000 + 10));
      assertThat(plan.taskCosts()).isEqualTo(textCosts(plan, textBytesPerRow));
      assertThat(plan.estimatedCostSkew())
          .as(Arrays.toString(plan.taskCosts()))
          .isLessThanOrEqualTo(1.15);
      assertPlanInvariants(files, source, options, plan);
    }

    @Test
    void chunkBoundariesAreTheSameWithOrWithoutACostModelAndOn2Or16Cores() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      List<InputFile> files = new ArrayList<>();
      files.add(
          source.addText(
              "big-a", 3_000, 60, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000,
              1_000, 1_000, 1_000));
      files.add(source.addText("big-b", 100, 5_000, 5_000, 5_000));
      for (int i = 0; i < 60; i++) {
        files.add(source.addText(String.format("small-%02d", i), 50 + 37L * i, 300 + 10L * i));
      }
      for (OptionalLong rowsPerTask : List.of(OptionalLong.empty(), OptionalLong.of(2_000))) {
        List<InferencePlan> plans = new ArrayList<>();
        for (int cores : new int[] {2, 16}) {
          for (RowCost rowCost : List.of(RowCost.rowsOnly(), byText)) {
            PlanningOptions options = new PlanningOptions(10_000, rowsPerTask, cores, 2, rowCost);
            InferencePlan plan = ChunkPlanner.plan(files, source, options);
            assertPlanInvariants(files, source, options, plan);
            plans.add(plan);
          }
        }
        assertThat(plans.get(0).chunks()).hasSizeGreaterThan(3);
        for (InferencePlan plan : plans) {
          assertSameChunks(plans.get(0), plan);
          assertThat(plan.chunks())
              .extracting(Chunk::rows)
              .isEqualTo(plans.get(0).chunks().stream().map(Chunk::rows).toList());
        }
      }
    }

    @Test
    void everyFooterIsReadAndSmallFilesAreCostedFromTheirWholeFooter() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile small = source.addText("small", 50, 60, 40);
      InputFile big = source.addText("big", 7, 10_000, 10_000);
      InputFile empty = source.add("empty");
      PlanningOptions options =
          new PlanningOptions(1_000_000, OptionalLong.of(10_000), 4, 2, byText);
      InferencePlan plan = ChunkPlanner.plan(List.of(small, big, empty), source, options);

      assertThat(source.calls("small")).isEqualTo(1);
      assertThat(source.calls("big")).isEqualTo(1);
      assertThat(source.calls("empty")).as("files without rows are skipped").isZero();
      FileSplit smallSplit =
          allSplits(plan).stream().filter(s -> s.path().equals("small")).findFirst().orElseThrow();
      assertThat(smallSplit.wholeFile()).isTrue();
      assertThat(smallSplit.cost()).isEqualTo(100 * 10 + 100 * 50);
      assertThat(allSplits(plan).stream().filter(s -> s.path().equals("big")))
          .extracting(FileSplit::cost)
          .containsOnly(10_000L * 10 + 10_000L * 7);
      assertPlanInvariants(List.of(small, big, empty), source, options, plan);
    }

    @Test
    void rowsOnlyCostsAreRowsAndReadNoSmallFooters() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile small = source.addText("small", 50, 60, 40);
      InferencePlan plan =
          ChunkPlanner.plan(
              List.of(small),
              source,
              new PlanningOptions(1_000_000, OptionalLong.of(10_000), 4, 2, RowCost.rowsOnly()));

      assertThat(source.calls("small")).isZero();
      assertThat(allSplits(plan)).extracting(FileSplit::cost).containsExactly(100L);
    }

    @Test
    void aSourceThatCannotMeasureColumnsIsRejectedNamingTheColumnsAndFile() {
      FakeRowGroupSource fake = new FakeRowGroupSource();
      InputFile file = fake.addText("s3://b/t/part-1.parquet", 50, 600);
      RowGroupSource rowsOnlySource = fake::rowGroups;
      PlanningOptions options =
          new PlanningOptions(1_000_000, OptionalLong.of(10_000), 4, 2, byText);

      assertThat(
              ChunkPlanner.plan(List.of(file), rowsOnlySource, withTask(1_000_000, 10_000))
                  .totalRows())
          .isEqualTo(600);
      assertThatThrownBy(() -> ChunkPlanner.plan(List.of(file), rowsOnlySource, options))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContainingAll(
              "cannot measure column sizes", "[text]", "s3://b/t/part-1.parquet");
    }

    @Test
    void aCostColumnMissingFromAFileNamesTheFileAndColumn() {
      FakeRowGroupSource source = new FakeRowGroupSource();
      InputFile file = source.addText("s3://b/t/part-1.parquet", 50, 600);
      PlanningOptions options =
          new PlanningOptions(
              1_000_000, OptionalLong.of(10_000), 4, 2, RowCost.byColumnBytes(List.of("body"), 8));
      assertThatThrownBy(() -> ChunkPlanner.plan(List.of(file), source, options))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContainingAll("body", "s3://b/t/part-1.parquet");
    }
  }
}

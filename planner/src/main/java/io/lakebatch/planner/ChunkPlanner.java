package io.lakebatch.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Turns input metadata into chunks of row-balanced tasks without reading data or shuffling.
 *
 * <ol>
 *   <li>Files are taken in path order so the same input always gives the same plan.
 *   <li>A file with more rows than a piece's target ({@link PlanningOptions#pieceRows()}) is cut
 *       into runs of whole row groups of about that many rows; smaller files stay whole.
 *   <li>These pieces fill chunks in order, never past the rows-per-chunk target, each chunk aiming
 *       at an even share of the rows (the fewest chunks that hold them, equally filled).
 *   <li>Inside a chunk, pieces are bin-packed into tasks, largest first onto the least-loaded task,
 *       so small files are packed together and tasks carry similar loads. The load is the pieces'
 *       estimated cost under {@link PlanningOptions#rowCost()}: rows by default, or rows weighted
 *       by the bytes of cost columns, read from every file's footer.
 * </ol>
 *
 * <p>Chunk boundaries depend on rows and the spec's targets only, never on cores or the cost model.
 */
public final class ChunkPlanner {
  private ChunkPlanner() {}

  public static InferencePlan plan(
      List<InputFile> files, RowGroupSource rowGroups, PlanningOptions options) {
    long rowsPerTask = options.effectiveRowsPerTask();
    List<FileSplit> pieces = new ArrayList<>();
    files.stream()
        .filter(f -> f.rows() > 0)
        .sorted(Comparator.comparing(InputFile::path))
        .forEach(f -> pieces.addAll(split(f, rowGroups, options.pieceRows(), options.rowCost())));

    List<Chunk> chunks = new ArrayList<>();
    int first = 0;
    for (int end : chunkEnds(pieces, options.rowsPerChunk())) {
      chunks.add(pack(chunks.size(), pieces.subList(first, end), options));
      first = end;
    }
    return new InferencePlan(chunks, rowsPerTask);
  }

  /**
   * Where each chunk ends (exclusive piece indices): the fewest chunks {@code n} whose cuts, each
   * at the piece boundary nearest to {@code k/n} of the rows, keep every chunk within {@code
   * rowsPerChunk} (a single larger piece is a chunk of its own). So 6M rows at 2M per chunk make
   * three chunks of about 2M, not three just under 2M and a fourth of the remainder.
   */
  static int[] chunkEnds(List<FileSplit> pieces, long rowsPerChunk) {
    int count = pieces.size();
    if (count == 0) {
      return new int[0];
    }
    long[] prefix = new long[count + 1];
    for (int i = 0; i < count; i++) {
      prefix[i + 1] = prefix[i] + pieces.get(i).rows();
    }
    long total = prefix[count];
    long limit = rowsPerChunk + overshoot(rowsPerChunk);
    for (long n = Math.max(1, (total + rowsPerChunk - 1) / rowsPerChunk); ; n++) {
      int[] ends = new int[(int) Math.min(n, count)];
      int previous = 0;
      boolean fits = true;
      for (int k = 1; k <= ends.length && fits; k++) {
        int end =
            k == ends.length
                ? count
                : Math.max(previous + 1, nearestBoundary(prefix, total * k / ends.length));
        end = Math.min(end, count - (ends.length - k));
        ends[k - 1] = end;
        fits = end - previous == 1 || prefix[end] - prefix[previous] <= limit;
        previous = end;
      }
      if (fits) {
        return ends;
      }
    }
  }

  /**
   * How far past its target a chunk may go: a cut lands on a piece boundary, so exactly 6M rows at
   * 2M per chunk make three chunks of about 2M, one of them a few rows over, rather than four.
   */
  static long overshoot(long rowsPerChunk) {
    return Math.max(1, rowsPerChunk / PlanningOptions.PIECES_PER_CHUNK);
  }

  /**
   * The index {@code i} whose {@code prefix[i]} is nearest to {@code rows} (the earlier on a tie).
   */
  private static int nearestBoundary(long[] prefix, long rows) {
    int at = java.util.Arrays.binarySearch(prefix, rows);
    if (at >= 0) {
      return at;
    }
    int above = -at - 1;
    return rows - prefix[above - 1] <= prefix[above] - rows ? above - 1 : above;
  }

  static List<FileSplit> split(
      InputFile file, RowGroupSource source, long pieceRows, RowCost rowCost) {
    if (file.rows() <= pieceRows && !rowCost.needsColumnSizes()) {
      return List.of(wholeFile(file, rowCost.cost(file.rows(), 0)));
    }
    List<RowGroup> groups = new ArrayList<>(source.rowGroups(file, rowCost.columns()));
    groups.sort(Comparator.comparingLong(RowGroup::offset));
    long groupRows = groups.stream().mapToLong(RowGroup::rows).sum();
    if (groupRows != file.rows()) {
      throw new IllegalStateException(
          "Row count mismatch for "
              + file.path()
              + ": table metadata says "
              + file.rows()
              + " rows, its row groups hold "
              + groupRows);
    }
    if (file.rows() <= pieceRows) {
      long bytes = groups.stream().mapToLong(RowGroup::costColumnBytes).sum();
      return List.of(wholeFile(file, rowCost.cost(file.rows(), bytes)));
    }
    List<FileSplit> splits = new ArrayList<>();
    int first = 0;
    while (first < groups.size()) {
      int end = first;
      long rows = 0;
      long bytes = 0;
      do {
        rows += groups.get(end).rows();
        bytes += groups.get(end).costColumnBytes();
        end++;
      } while (end < groups.size() && rows + groups.get(end).rows() <= pieceRows);
      long start = first == 0 ? 0 : groups.get(first).offset();
      long stop = end == groups.size() ? file.sizeBytes() : groups.get(end).offset();
      splits.add(
          new FileSplit(
              file.path(), start, stop - start, rows, file.sizeBytes(), rowCost.cost(rows, bytes)));
      first = end;
    }
    return splits;
  }

  private static FileSplit wholeFile(InputFile file, long cost) {
    return new FileSplit(file.path(), 0, file.sizeBytes(), file.rows(), file.sizeBytes(), cost);
  }

  /** Joins neighbouring pieces of one file into one split, so a task opens each file once. */
  private static List<FileSplit> mergeAdjacent(List<FileSplit> sorted) {
    List<FileSplit> merged = new ArrayList<>();
    for (FileSplit split : sorted) {
      FileSplit last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null
          && last.path().equals(split.path())
          && last.start() + last.length() == split.start()) {
        merged.set(
            merged.size() - 1,
            new FileSplit(
                last.path(),
                last.start(),
                last.length() + split.length(),
                last.rows() + split.rows(),
                last.fileSize(),
                last.cost() + split.cost()));
      } else {
        merged.add(split);
      }
    }
    return merged;
  }

  private static Chunk pack(int chunkIndex, List<FileSplit> pieces, PlanningOptions options) {
    // The rows target sets how many tasks a chunk gets; the cost model only decides which pieces
    // share one.
    long rows = pieces.stream().mapToLong(FileSplit::rows).sum();
    long rowsPerTask = options.effectiveRowsPerTask();
    long wanted = rows / rowsPerTask + (rows % rowsPerTask == 0 ? 0 : 1);
    if (options.rowsPerTask().isEmpty()) {
      // A chunk smaller than its target still spreads over every core.
      wanted = Math.max(wanted, (long) options.cores() * options.tasksPerCore());
    }
    int taskCount = (int) Math.max(1, Math.min(pieces.size(), wanted));
    List<List<FileSplit>> bins = new ArrayList<>();
    PriorityQueue<long[]> load =
        new PriorityQueue<>(
            Comparator.<long[]>comparingLong(l -> l[0]).thenComparingLong(l -> l[1]));
    for (int i = 0; i < taskCount; i++) {
      bins.add(new ArrayList<>());
      load.add(new long[] {0, i});
    }
    List<FileSplit> largestFirst = new ArrayList<>(pieces);
    largestFirst.sort(
        Comparator.comparingLong(FileSplit::cost)
            .reversed()
            .thenComparing(FileSplit::path)
            .thenComparingLong(FileSplit::start));
    for (FileSplit piece : largestFirst) {
      long[] lightest = load.poll();
      bins.get((int) lightest[1]).add(piece);
      lightest[0] += piece.cost();
      load.add(lightest);
    }
    List<PlannedTask> tasks = new ArrayList<>();
    for (List<FileSplit> bin : bins) {
      if (!bin.isEmpty()) {
        bin.sort(Comparator.comparing(FileSplit::path).thenComparingLong(FileSplit::start));
        tasks.add(new PlannedTask(tasks.size(), mergeAdjacent(bin)));
      }
    }
    return new Chunk(chunkIndex, tasks);
  }
}

package io.lakebatch.planner;

import java.util.List;

/**
 * Reads the row groups of a file. With the default {@link RowCost} the planner asks only for files
 * too large for one task, so small files never have their footers read; a cost model that reads
 * column sizes needs every file's.
 */
@FunctionalInterface
public interface RowGroupSource {
  List<RowGroup> rowGroups(InputFile file);

  /**
   * The row groups of a file with {@link RowGroup#costColumnBytes()} summed over the given
   * top-level columns. A source that cannot measure columns supports only an empty list, which is
   * {@link #rowGroups(InputFile)}.
   *
   * @throws IllegalArgumentException if a column is not in the file
   * @throws UnsupportedOperationException if columns are given and this source cannot measure them
   */
  default List<RowGroup> rowGroups(InputFile file, List<String> costColumns) {
    if (costColumns.isEmpty()) {
      return rowGroups(file);
    }
    throw new UnsupportedOperationException(
        "Row group source "
            + getClass().getName()
            + " cannot measure column sizes, needed to estimate "
            + "cost from columns "
            + costColumns
            + " of "
            + file.path());
  }
}

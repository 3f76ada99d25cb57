package io.lakebatch.planner;

import java.util.List;

/**
 * Reads the row groups of a file. The planner asks only for files too large for one task, so small
 * files never have their footers read.
 */
@FunctionalInterface
public interface RowGroupSource {
  List<RowGroup> rowGroups(InputFile file);
}

package io.lakebatch.jobs;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.TablePaths;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Qualifies a job's input, output and dead-letter paths with the session's file systems and checks
 * them before anything is written.
 *
 * <p>Qualified, {@code data/x}, {@code ./data/x/}, {@code file:/w/data/x} and {@code
 * file:///w/data/x} (working directory {@code /w}) are one location, {@code file:/w/data/x}; a path
 * without a scheme takes the default file system's ({@code fs.defaultFS}). Then {@link TablePaths}
 * refuses overlaps, and an output or dead-letter folder that already exists must be a Delta table
 * or empty: a folder of other files is refused rather than taken over.
 */
public final class SparkTablePaths {
  private static final String DELTA_LOG = "_delta_log";

  private SparkTablePaths() {}

  /**
   * The spec's paths, qualified and checked; use these (not the spec's spellings) for the run
   * identity and for opening the tables.
   *
   * @param lakeBatchTable whether a qualified output or dead-letter location is known to be written
   *     by LakeBatch (a run the catalog knows writes there): such a folder may hold data files and
   *     no Delta log yet — an overwrite run's staged chunks, or a first chunk that crashed before
   *     its commit
   * @throws io.lakebatch.catalog.error.LakeBatchException USER when the paths overlap or an output
   *     folder exists and is not a Delta table; TRANSIENT when the file system cannot be asked
   */
  public static TablePaths check(
      SparkSession spark, JobSpec spec, java.util.function.Predicate<String> lakeBatchTable) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    TablePaths paths =
        new TablePaths(
            qualify(conf, "input.path", spec.input().path()),
            qualify(conf, "output.path", spec.output().path()),
            qualify(conf, "output.dead-letter", spec.output().deadLetterPath()));
    if (!lakeBatchTable.test(paths.output())) {
      requireAbsentEmptyOrDelta(conf, "output.path", paths.output());
    }
    if (!lakeBatchTable.test(paths.deadLetter())) {
      requireAbsentEmptyOrDelta(conf, "output.dead-letter", paths.deadLetter());
    }
    return paths;
  }

  /** {@code path} as its file system spells it absolutely: scheme, authority, normalized path. */
  static String qualify(Configuration conf, String field, String path) {
    Path given;
    try {
      given = new Path(path);
    } catch (IllegalArgumentException e) {
      throw LakeBatchErrors.invalidSpec(
          field, "'" + path + "' is not a path (" + e.getMessage() + ")");
    }
    FileSystem fs = fileSystem(conf, field, given);
    String qualified = fs.makeQualified(given).toString();
    if (qualified.contains("/../") || qualified.endsWith("/..")) {
      throw LakeBatchErrors.invalidSpec(
          field, "'" + path + "' climbs above the root of its file system");
    }
    return qualified;
  }

  private static FileSystem fileSystem(Configuration conf, String field, Path path) {
    try {
      return path.getFileSystem(conf);
    } catch (IOException e) {
      throw LakeBatchErrors.invalidSpec(
          field,
          "no file system for "
              + path
              + " ("
              + LakeBatchErrors.rootMessage(e)
              + "); check the scheme, and that its connector is on the classpath");
    }
  }

  private static void requireAbsentEmptyOrDelta(Configuration conf, String field, String location) {
    Path path = new Path(location);
    FileSystem fs = fileSystem(conf, field, path);
    try {
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException absent) {
        return;
      }
      if (!status.isDirectory()) {
        throw LakeBatchErrors.invalidSpec(
            field,
            location
                + " exists and is a file, not a Delta table; choose"
                + " another path, or delete the file");
      }
      if (isDirectory(fs, new Path(path, DELTA_LOG)) || fs.listStatus(path).length == 0) {
        return;
      }
      throw LakeBatchErrors.invalidSpec(
          field,
          location
              + " exists and is not a Delta table (a folder with"
              + " files and no "
              + DELTA_LOG
              + "); LakeBatch does not take over other data: choose another path,"
              + " or delete the folder");
    } catch (IOException e) {
      throw LakeBatchErrors.transientFailure("cannot check " + field + " " + location, e);
    }
  }

  private static boolean isDirectory(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path).isDirectory();
    } catch (FileNotFoundException absent) {
      return false;
    }
  }
}

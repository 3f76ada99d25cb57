package io.lakebatch.submit;

import io.lakebatch.submit.bench.Benchmark;
import io.lakebatch.submit.bench.BenchmarkOptions;
import io.lakebatch.submit.bench.BenchmarkProfile;
import io.lakebatch.submit.bench.BenchmarkSection;
import io.lakebatch.submit.bench.CliLauncher;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lakebatch bench}: the benchmark suite over model profiles — LakeBatch vs raw ONNX Runtime
 * vs a naive per-row UDF per profile, plus the skew and scaling sections.
 *
 * <p>What runs: with no {@code --profile}, {@code --skew} or {@code --scaling}, every profile and
 * the skew section (and the scaling section with {@code --large}). {@code --profile P} runs that
 * profile (or {@code all}); {@code --skew} / {@code --scaling} add their section, and given without
 * {@code --profile} run only the sections.
 */
@Command(
    name = "bench",
    sortOptions = false,
    description = {
      "Benchmark suite over model profiles (mlp, linear, conv, image, encoder): each profile's rows scored in one JVM on"
          + " the same cores by (a) LakeBatch Delta -> Delta, (b) raw ONNX Runtime in a Java loop over rows in"
          + " memory, (c) a naive per-row Spark UDF; prints rows/s, a/b and a/c against their targets and what"
          + " batch-size: auto chooses. Skew section: mlp on uniform, 80%%-in-one-file and tiny-file inputs."
          + " Scaling section: mlp at growing sizes, ns/row and peak heap/RSS.",
      "Writes results.csv and results.json under --out; generated models and tables go to <out>/run (recreated).",
      "Default: every profile at its quick size plus the skew section (a few minutes on 2 cores)."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description =
          "mlp, linear, conv, image, encoder or all (repeatable); default all, unless only --skew/--scaling given")
  List<String> profiles = List.of();

  @Option(
      names = "--rows",
      paramLabel = "N",
      description =
          "rows of the chosen profiles' tables (and of the skew inputs when mlp is chosen or with --skew);"
              + " default per profile: mlp 1,000,000, linear 1,000,000, conv 2,000, image 500,"
              + " encoder 20,000")
  Long rows;

  @Option(
      names = "--large",
      description =
          "multiply the default sizes by "
              + BenchmarkOptions.LARGE_FACTOR
              + " and include the scaling section (1M, 5M, 20M rows instead of 250k, 1M)")
  boolean large;

  @Option(
      names = "--skew",
      description = "run the skew section (included by default and in --profile all)")
  boolean skew;

  @Option(
      names = "--scaling",
      description = "run the scaling section (included by default only with --large)")
  boolean scaling;

  @Option(
      names = "--no-end-to-end",
      description =
          "skip path (e), each profile's job run by `lakebatch run` in a new JVM (launch to exit)")
  boolean noEndToEnd;

  @Option(
      names = "--cores",
      description = "cores (local[N], raw-ORT threads); default ${DEFAULT-VALUE}")
  int cores = BenchmarkOptions.DEFAULT_CORES;

  @Option(
      names = "--out",
      description = "folder for data, models and results; default ${DEFAULT-VALUE}")
  Path out = Path.of("target", "bench");

  @Override
  public Integer call() throws Exception {
    new Benchmark(options()).run(System.out);
    return 0;
  }

  BenchmarkOptions options() {
    BenchmarkOptions options = BenchmarkOptions.quick(out).withCores(cores);
    if (large) {
      options = options.large();
    }
    boolean sectionsOnly = profiles.isEmpty() && (skew || scaling);
    List<BenchmarkProfile> chosen = sectionsOnly ? List.of() : chosenProfiles();
    Set<BenchmarkSection> sections = EnumSet.noneOf(BenchmarkSection.class);
    boolean all = chosen.size() == BenchmarkProfile.values().length;
    if (skew || all) {
      sections.add(BenchmarkSection.SKEW);
    }
    if (scaling || (all && large)) {
      sections.add(BenchmarkSection.SCALING);
    }
    options = options.withProfiles(chosen).withSections(sections);
    if (!noEndToEnd) {
      options = options.withEndToEnd(CliLauncher.fromThisJvm(LakeBatchCli.class.getName()));
    }
    if (rows != null) {
      for (BenchmarkProfile profile : chosen) {
        options = options.withRows(profile, rows);
      }
      if (skew) {
        options = options.withRows(BenchmarkProfile.MLP, rows);
      }
    }
    return options;
  }

  private List<BenchmarkProfile> chosenProfiles() {
    if (profiles.isEmpty()
        || profiles.stream().anyMatch(name -> name.trim().equalsIgnoreCase("all"))) {
      return Arrays.asList(BenchmarkProfile.values());
    }
    try {
      return profiles.stream().map(BenchmarkProfile::parse).distinct().toList();
    } catch (IllegalArgumentException e) {
      throw io.lakebatch.catalog.error.LakeBatchErrors.usage(e.getMessage());
    }
  }
}

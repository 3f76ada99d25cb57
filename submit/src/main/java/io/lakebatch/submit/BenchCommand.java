package io.lakebatch.submit;

import io.lakebatch.submit.bench.Benchmark;
import io.lakebatch.submit.bench.BenchmarkOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lakebatch bench}: LakeBatch vs raw ONNX Runtime vs a naive per-row UDF, side by side. */
@Command(name = "bench", description = "Benchmark LakeBatch against raw ONNX Runtime and a naive per-row Spark UDF on the same data and cores.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--rows", description = "rows; default ${DEFAULT-VALUE}")
  long rows = 1_000_000;

  @Option(names = "--cores", description = "cores (local[N], raw-ORT threads); default ${DEFAULT-VALUE}")
  int cores = 2;

  @Option(names = "--out", description = "folder for data, model and results; default ${DEFAULT-VALUE}")
  Path out = Path.of("target", "bench");

  @Override
  public Integer call() throws Exception {
    new Benchmark(new BenchmarkOptions(rows, cores, out)).run(System.out);
    return 0;
  }
}

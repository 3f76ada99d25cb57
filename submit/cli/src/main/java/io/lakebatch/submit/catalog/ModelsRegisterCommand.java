package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.registry.ModelRef;
import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.submit.LakeBatchHome;
import io.lakebatch.udf.InspectedModel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch models register NAME PATH}: records a model file as the next version of NAME.
 */
@Command(
    name = "register",
    description = {
      "Register a model file as the next version of NAME (1, 2, ...): the file is read, hashed (sha256) and loaded by"
          + " ONNX Runtime once to record its inputs and outputs.",
      "Jobs then refer to it as NAME@VERSION or NAME@latest (model.ref)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:registered",
      "2:bad name, or no file at PATH",
      "3:ONNX Runtime cannot load the file",
      "5:the catalog database cannot be reached"
    })
public final class ModelsRegisterCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  /**
   * A URI scheme ({@code hdfs:}, {@code s3a:}, {@code file:}); two letters at least, so {@code C:}
   * is a path.
   */
  private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*");

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "model name: lower-case letters, digits, '.', '_', '-'")
  String name;

  @Parameters(
      index = "1",
      paramLabel = "PATH",
      description = "ONNX file: a local path or a Hadoop file system URI")
  String path;

  @Option(names = "--description", paramLabel = "TEXT", description = "what this version is")
  String description;

  @Override
  public Integer call() {
    if (!ModelRef.NAME.matcher(name).matches()) {
      throw LakeBatchErrors.usage(
          "model name '"
              + name
              + "' must match "
              + ModelRef.NAME.pattern()
              + " (lower-case letters, digits, '.', '_', '-')");
    }
    String uri = uri(path);
    Catalog catalog = LakeBatchHome.catalog();
    InspectedModel model = InspectedModel.of(uri);
    String user = Optional.ofNullable(System.getProperty("user.name")).orElse("unknown");
    ModelVersion version =
        catalog
            .models()
            .register(
                name,
                model.uri(),
                model.sha256(),
                model.signature(),
                Optional.ofNullable(description).filter(d -> !d.isBlank()),
                user);
    System.out.printf(
        "registered %s (sha256 %s, inputs %s, outputs %s)%n",
        version.label(),
        version.sha256(),
        Formats.values(version.signature().inputs()),
        Formats.values(version.signature().outputs()));
    System.out.flush();
    return 0;
  }

  /** The URI to record: a local path made absolute and normalized; a URI with a scheme as given. */
  static String uri(String path) {
    if (SCHEME.matcher(path).matches()) {
      return path;
    }
    Path local;
    try {
      local = Path.of(path).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw LakeBatchErrors.usage(
          "PATH: '" + path + "' is not a valid path (" + e.getReason() + ")");
    }
    if (!Files.exists(local)) {
      throw LakeBatchErrors.usage("PATH: no model file at " + local);
    }
    if (!Files.isRegularFile(local)) {
      throw LakeBatchErrors.usage("PATH: " + local + " is not a file; name the .onnx file");
    }
    return local.toString();
  }
}

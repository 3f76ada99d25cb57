package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.model.ValueSignature;
import io.lakebatch.catalog.registry.ModelRef;
import io.lakebatch.catalog.registry.ModelRegistry;
import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.submit.LakeBatchHome;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch models show NAME[@VERSION]}: everything the registry holds about one version.
 */
@Command(
    name = "show",
    description =
        "Show one model version: file, sha256, who registered it and when, inputs and outputs.")
public final class ModelsShowCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Parameters(
      index = "0",
      paramLabel = "NAME[@VERSION]",
      description = "a model name (its latest version), NAME@VERSION or NAME@latest")
  String model;

  @Override
  public Integer call() {
    ModelRef ref =
        model.contains("@")
            ? ModelRef.parse(model, "NAME[@VERSION]")
            : new ModelRef(model, OptionalInt.empty());
    ModelRegistry registry = LakeBatchHome.catalog().models();
    ModelVersion v = registry.resolve(ref);
    List<ModelVersion> versions = registry.versions(v.name());
    int latest = versions.get(versions.size() - 1).version();
    Formats.Fields fields =
        new Formats.Fields(15)
            .add(
                "model",
                v.label()
                    + (v.version() == latest
                        ? " (latest)"
                        : " (latest is " + v.name() + "@" + latest + ")"))
            .add("uri", v.uri())
            .add("sha256", v.sha256())
            .add("registered at", Formats.time(v.registeredAt()))
            .add("registered by", v.registeredBy())
            .add("description", v.description().orElse("-"))
            .add(
                "versions",
                versions.stream()
                    .map(x -> Integer.toString(x.version()))
                    .collect(Collectors.joining(", ")));
    StringBuilder out = new StringBuilder(fields.toString());
    section(out, "inputs", v.signature().inputs());
    section(out, "outputs", v.signature().outputs());
    System.out.print(out);
    System.out.flush();
    return 0;
  }

  private static void section(StringBuilder out, String title, List<ValueSignature> values) {
    out.append(title).append(System.lineSeparator());
    int width = values.stream().mapToInt(x -> x.name().length()).max().orElse(0);
    for (ValueSignature value : values) {
      out.append("  ")
          .append(value.name())
          .append(" ".repeat(width - value.name().length() + 2))
          .append(value.describe())
          .append(System.lineSeparator());
    }
    if (values.isEmpty()) {
      out.append("  (none)").append(System.lineSeparator());
    }
  }
}

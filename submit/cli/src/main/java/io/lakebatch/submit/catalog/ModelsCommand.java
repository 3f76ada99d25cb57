package io.lakebatch.submit.catalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lakebatch models}: the model registry. Alone, it prints its usage (exit 2). */
@Command(
    name = "models",
    description =
        "The model registry: register a model file as a new version, list models, show one version.",
    subcommands = {ModelsRegisterCommand.class, ModelsListCommand.class, ModelsShowCommand.class})
public final class ModelsCommand implements Runnable {
  @CommandLine.Mixin HelpOption helpOption;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a models command: register, list or show");
  }
}

package io.lakebatch.submit;

import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakebatch} command line (SPEC.md); exit codes in {@link ExitCodes}. */
@Command(
    name = "lakebatch",
    mixinStandardHelpOptions = true,
    version = "lakebatch 0.1.0",
    description = "Offline batch inference on Spark with ONNX Runtime and Delta Lake.",
    subcommands = {
      QuickstartCommand.class,
      RunCommand.class,
      SubmitCommand.class,
      PlanCommand.class,
      MakeModelCommand.class,
      MakeDataCommand.class,
      BenchCommand.class,
      io.lakebatch.submit.catalog.StatusCommand.class,
      io.lakebatch.submit.catalog.ListRunsCommand.class,
      io.lakebatch.submit.catalog.LogsCommand.class,
      io.lakebatch.submit.catalog.CancelCommand.class,
      io.lakebatch.submit.catalog.ModelsCommand.class,
      LineageCommand.class,
      io.lakebatch.submit.cluster.ClusterCommand.class,
      ServerCommand.class,
      ServerBenchCommand.class,
      SchedulerSimCommand.class,
      io.lakebatch.submit.catalog.TokensCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LakeBatchCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command; see lakebatch --help");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new LakeBatchCli());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          LakeBatchException known = LakeBatchException.findIn(e).orElse(null);
          if (known != null) {
            commandLine.getErr().println("error: " + known.getMessage());
            return known.category().exitCode();
          }
          commandLine.getErr().println("internal error: " + LakeBatchErrors.rootMessage(e));
          e.printStackTrace(commandLine.getErr());
          return ExitCodes.INTERNAL;
        });
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          e.getCommandLine().getErr().println("error: " + e.getMessage());
          e.getCommandLine().usage(e.getCommandLine().getErr());
          return ExitCodes.USAGE;
        });
    return cli.execute(args);
  }
}

package io.lakebatch.submit.catalog;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for a subcommand (without the {@code -V} of the standard mixin, which would
 * print nothing).
 */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;
}

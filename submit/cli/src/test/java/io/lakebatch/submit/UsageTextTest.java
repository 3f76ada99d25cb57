package io.lakebatch.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * picocli renders every description through {@link String#format}: a lone {@code %} (e.g.
 * "80%-in-one-file") makes {@code --help} print a picocli warning and the unformatted text instead.
 */
class UsageTextTest {

  @Test
  void everyDescriptionIsAValidFormatString() {
    List<String> broken = new ArrayList<>();
    check(new CommandLine(new LakeBatchCli()), broken);
    assertThat(broken).isEmpty();
  }

  @Test
  void everyCommandRendersItsUsage() {
    List<String> commands = new ArrayList<>();
    render(new CommandLine(new LakeBatchCli()), commands);
    assertThat(commands)
        .contains("lakebatch", "lakebatch bench", "lakebatch run", "lakebatch models register");
  }

  private static void check(CommandLine command, List<String> broken) {
    CommandSpec spec = command.getCommandSpec();
    List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
    for (ArgSpec arg : spec.args()) {
      texts.addAll(List.of(arg.description()));
    }
    for (String text : texts) {
      try {
        String.format(Locale.ROOT, text);
      } catch (IllegalFormatException e) {
        broken.add(spec.qualifiedName() + ": " + e.getMessage() + " in '" + text + "'");
      }
    }
    command.getSubcommands().values().forEach(sub -> check(sub, broken));
  }

  private static void render(CommandLine command, List<String> names) {
    assertThat(command.getUsageMessage()).as(command.getCommandSpec().qualifiedName()).isNotBlank();
    names.add(command.getCommandSpec().qualifiedName());
    command.getSubcommands().values().forEach(sub -> render(sub, names));
  }
}

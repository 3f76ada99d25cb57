package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.registry.ModelVersion;
import io.lakebatch.submit.LakeBatchHome;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lakebatch models list}: the newest version of every registered model. */
@Command(name = "list", description = "List registered models with their latest version.")
public final class ModelsListCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Override
  public Integer call() {
    List<ModelVersion> latest = LakeBatchHome.catalog().models().latestVersions();
    if (latest.isEmpty()) {
      System.out.println(
          "no models registered; register one with `lakebatch models register NAME PATH`");
      System.out.flush();
      return 0;
    }
    TextTable table = new TextTable("NAME", "LATEST", "REGISTERED", "BY", "SHA256", "URI");
    for (ModelVersion v : latest) {
      table.add(
          v.name(),
          v.version(),
          Formats.time(v.registeredAt()),
          v.registeredBy(),
          Formats.shortHash(v.sha256()),
          v.uri());
    }
    System.out.print(table.render());
    System.out.flush();
    return 0;
  }
}

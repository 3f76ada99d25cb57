package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.store.RunRecord;
import io.lakebatch.catalog.store.RunState;
import io.lakebatch.submit.LakeBatchHome;
import io.lakebatch.submit.remote.RemoteJobs;
import io.lakebatch.submit.remote.ServerOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebatch cancel RUN}: stops a run, at once if it has not started, else after its current
 * chunk.
 */
@Command(
    name = "cancel",
    description = {
      "Cancel a run: a QUEUED run (or one whose driver is gone) is CANCELLED at once; a running one stops after"
          + " its current chunk, keeping what it committed.",
      "A run that already ended cannot be cancelled (exit 2)."
    })
public final class CancelCommand implements Callable<Integer> {
  @Mixin HelpOption helpOption;

  @Parameters(index = "0", paramLabel = "RUN", description = "run id (see lakebatch list)")
  String runId;

  @Mixin ServerOption remote;

  @Override
  public Integer call() {
    var server = remote.client();
    if (server.isPresent()) {
      RemoteJobs.print(server.get().cancel(runId), System.out);
      return 0;
    }
    RunRecord run =
        LakeBatchHome.catalog()
            .runs()
            .requestCancel(runId, io.lakebatch.catalog.store.RunOwner.HEARTBEAT_TIMEOUT);
    if (run.state() == RunState.CANCELLED) {
      System.out.println("run " + runId + " cancelled");
    } else {
      System.out.println(
          "cancel requested for run " + runId + "; it stops after its current chunk");
    }
    System.out.flush();
    return 0;
  }
}

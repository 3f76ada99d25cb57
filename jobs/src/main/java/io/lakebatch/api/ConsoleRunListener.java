package io.lakebatch.api;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;

/**
 * What {@code lakebatch run} prints while a run is under way: the plan's header, a line per chunk
 * committed, staged or failed, and the engine's notes (resume, preflight, batch size, cancel,
 * publication), each as soon as it happens. The summary is printed by the command at the end.
 */
public final class ConsoleRunListener implements RunListener {
  private final PrintStream out;

  public ConsoleRunListener(PrintStream out) {
    this.out = requireNonNull(out, "out is null");
  }

  @Override
  public void on(RunEvent event) {
    String message = event.message();
    if (!message.isEmpty()) {
      out.println(message);
      out.flush();
    }
  }
}

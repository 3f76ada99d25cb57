package io.lakebatch.catalog.store;

import static io.lakebatch.catalog.store.RunState.CANCELLED;
import static io.lakebatch.catalog.store.RunState.FAILED;
import static io.lakebatch.catalog.store.RunState.PARTIAL;
import static io.lakebatch.catalog.store.RunState.PLANNING;
import static io.lakebatch.catalog.store.RunState.QUEUED;
import static io.lakebatch.catalog.store.RunState.RUNNING;
import static io.lakebatch.catalog.store.RunState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transition table of {@link RunState}, written out by hand from its Javadoc. */
class RunStateTest {

  /**
   *
   *
   * <pre>
   * QUEUED -> PLANNING -> RUNNING -> SUCCEEDED | PARTIAL | FAILED | CANCELLED
   * PLANNING | RUNNING -> QUEUED
   * SUCCEEDED | PARTIAL | FAILED | CANCELLED -> QUEUED
   * QUEUED | PLANNING -> FAILED | CANCELLED
   * </pre>
   */
  static Map<RunState, Set<RunState>> documentedTable() {
    Map<RunState, Set<RunState>> table = new EnumMap<>(RunState.class);
    for (RunState state : RunState.values()) {
      table.put(state, EnumSet.noneOf(RunState.class));
    }
    // QUEUED -> PLANNING -> RUNNING -> SUCCEEDED | PARTIAL | FAILED | CANCELLED
    table.get(QUEUED).add(PLANNING);
    table.get(PLANNING).add(RUNNING);
    table.get(RUNNING).addAll(EnumSet.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED));
    // PLANNING | RUNNING -> QUEUED
    table.get(PLANNING).add(QUEUED);
    table.get(RUNNING).add(QUEUED);
    // terminal -> QUEUED
    for (RunState terminal : EnumSet.of(SUCCEEDED, PARTIAL, FAILED, CANCELLED)) {
      table.get(terminal).add(QUEUED);
    }
    // QUEUED | PLANNING -> FAILED | CANCELLED
    table.get(QUEUED).addAll(EnumSet.of(FAILED, CANCELLED));
    table.get(PLANNING).addAll(EnumSet.of(FAILED, CANCELLED));
    return table;
  }

  @Test
  void canMoveToMatchesTheDocumentedTableForEveryPair() {
    Map<RunState, Set<RunState>> table = documentedTable();
    int legal = 0;
    for (RunState from : RunState.values()) {
      for (RunState to : RunState.values()) {
        assertThat(from.canMoveTo(to))
            .as("%s -> %s", from, to)
            .isEqualTo(table.get(from).contains(to));
        if (from.canMoveTo(to)) {
          legal++;
        }
      }
      assertThat(from.successors()).as("successors of %s", from).isEqualTo(table.get(from));
    }
    assertThat(legal).isEqualTo(16);
  }

  @Test
  void noStateMovesToItself() {
    for (RunState state : RunState.values()) {
      assertThat(state.canMoveTo(state)).as("%s -> %s", state, state).isFalse();
    }
  }

  @Test
  void terminalStatesAreTheFourEndStatesAndOnlyRerunLeavesThem() {
    Set<RunState> terminal = EnumSet.noneOf(RunState.class);
    for (RunState state : RunState.values()) {
      if (state.isTerminal()) {
        terminal.add(state);
      }
    }
    assertThat(terminal).containsExactlyInAnyOrder(SUCCEEDED, PARTIAL, FAILED, CANCELLED);
    for (RunState state : terminal) {
      assertThat(state.successors()).containsExactly(QUEUED);
    }
  }

  @Test
  void everyStateCanReachEveryOther() {
    for (RunState from : RunState.values()) {
      Set<RunState> reached = EnumSet.of(from);
      boolean grew = true;
      while (grew) {
        Set<RunState> next = EnumSet.copyOf(reached);
        reached.forEach(s -> next.addAll(s.successors()));
        grew = next.size() > reached.size();
        reached = next;
      }
      assertThat(reached)
          .as("reachable from %s", from)
          .containsExactlyInAnyOrder(RunState.values());
    }
  }

  @Test
  void successorsIsADefensiveCopy() {
    Set<RunState> successors = RUNNING.successors();
    successors.clear();
    assertThat(RUNNING.successors()).hasSize(5);
  }
}

package io.lakebatch.server.scheduling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunks running now, indexed by id, by worker and by tenant usage, so a scheduler reads a
 * tenant's share without walking every chunk. Mutable; schedulers only read it.
 */
public final class Allocations {
  private final Map<Long, RunningChunk> byId = new LinkedHashMap<>();
  private final List<Map<Long, RunningChunk>> byWorker = new ArrayList<>();
  private final Map<String, Demand> usageByTenant = new HashMap<>();

  /** Records {@code chunk} as running. */
  public void add(RunningChunk chunk) {
    if (byId.putIfAbsent(chunk.id(), chunk) != null) {
      throw new IllegalStateException("Chunk %d is already running".formatted(chunk.id()));
    }
    while (byWorker.size() <= chunk.worker()) {
      byWorker.add(new LinkedHashMap<>());
    }
    byWorker.get(chunk.worker()).put(chunk.id(), chunk);
    usageByTenant.merge(chunk.tenant(), chunk.demand(), Demand::plus);
  }

  /** Removes and returns the running chunk {@code id}, or null when it is not running. */
  public RunningChunk remove(long id) {
    RunningChunk chunk = byId.remove(id);
    if (chunk != null) {
      byWorker.get(chunk.worker()).remove(id);
      Demand left = usageByTenant.get(chunk.tenant()).minus(chunk.demand());
      if (left.equals(Demand.ZERO)) {
        usageByTenant.remove(chunk.tenant());
      } else {
        usageByTenant.put(chunk.tenant(), left);
      }
    }
    return chunk;
  }

  /** Whether chunk {@code id} is running. */
  public boolean contains(long id) {
    return byId.containsKey(id);
  }

  /** All running chunks, oldest placement first. */
  public Collection<RunningChunk> all() {
    return Collections.unmodifiableCollection(byId.values());
  }

  /** The chunks running on worker {@code w}. */
  public Collection<RunningChunk> onWorker(int w) {
    return w < byWorker.size()
        ? Collections.unmodifiableCollection(byWorker.get(w).values())
        : List.of();
  }

  /** What {@code tenant}'s running chunks hold together. */
  public Demand usageOf(String tenant) {
    return usageByTenant.getOrDefault(tenant, Demand.ZERO);
  }

  /** The tenants with running chunks. */
  public Collection<String> tenants() {
    return Collections.unmodifiableSet(usageByTenant.keySet());
  }

  /** How many chunks run. */
  public int size() {
    return byId.size();
  }
}

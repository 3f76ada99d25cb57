package io.lakebatch.server.scheduling;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.spec.Priority;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Weighted Dominant Resource Fairness across tenants, {@link AgingPriority} within a tenant.
 *
 * <p>Each grant goes to a tenant with waiting work: first to tenants below their guaranteed share
 * (the one furthest below, relative to its guarantee), otherwise to the tenant with the lowest
 * dominant share divided by its weight. No grant takes a tenant above its maximum share, except
 * that with {@link SchedulerConfig#lendsIdleCapacity()} the tenants held back by their maximum
 * alone take, in the same order, what is left once no other tenant has a chunk waiting. Within the
 * tenant the waiting job with the highest effective priority gets the chunk. When that chunk fits
 * nowhere, a tenant at or above its weighted part of the cluster (weight over the weights of all
 * tenants with work) gets nothing more this round (so a large job is not starved by its tenant's
 * small ones) and the others go on; a tenant below it, or one whose chunks alone wait, backfills:
 * its best jobs of the sizes that may still fit go on (looking at most {@value #BACKFILL_DEPTH}
 * jobs deep into each (class, value) bucket). The first tenant either way also has the worker
 * closest to fitting its chunk withheld from the others for the round, so that worker drains until
 * the chunk fits (a reservation, renewed each round).
 *
 * <p>Preemption, when enabled: a tenant that got nothing because its best job fits nowhere, whose
 * job has waited at least the grace, and which is either below its guaranteed share or holds a
 * waiting HIGH job while below its fair share (weight over the weights of all tenants with work),
 * gets room for one chunk per round. Victims come from other tenants above their fair share, most
 * over first, then lowest priority (class base plus value: a running chunk does not age), then
 * youngest chunk (least work lost); never HIGH chunks for a HIGH job, never a tenant below its own
 * guarantee. The worker needing the fewest victims, then the least lost work, is chosen, and no
 * victim is stopped that the chunk does not need.
 */
public final class FairShareScheduler implements ChunkScheduler {
  private static final double EPSILON = 1e-9;

  /** How many jobs of a bucket a backfill passes over, at most, looking for a chunk that fits. */
  static final int BACKFILL_DEPTH = 16;

  private final SchedulerConfig config;
  private final AgingPriority aging;

  public FairShareScheduler(SchedulerConfig config) {
    this.config = requireNonNull(config, "config is null");
    this.aging = config.agingPriority();
  }

  @Override
  public String name() {
    return "fair share";
  }

  @Override
  public SchedulingDecision schedule(
      long now, WorkerPool workers, Allocations running, WaitingJobs waiting) {
    if (waiting.isEmpty()) {
      return SchedulingDecision.NONE;
    }
    Round round = new Round(now, workers, running, waiting);
    round.grantFairly();
    if (config.lendsIdleCapacity() && round.onlyMaximaHoldBack()) {
      round.lendIdleCapacity();
    }
    if (config.preemptionEnabled()) {
      round.preemptForNeedyTenants();
    }
    return new SchedulingDecision(round.grants, round.preemptions);
  }

  /** Why a tenant gets nothing more in a round. */
  private enum Block {
    NO_FIT,
    AT_MAXIMUM
  }

  /** The state of one scheduling round: a plan on copies, never on the inputs. */
  private final class Round {
    final long now;
    final WorkerPool plan;
    final Allocations running;
    final WaitingJobs waiting;
    final Demand capacity;
    final Map<String, Demand> usage = new HashMap<>();
    final Map<String, Integer> taken = new HashMap<>();
    final Map<String, WaitingJob> best = new HashMap<>();
    final Map<String, Block> blocked = new TreeMap<>();
    final TreeSet<String> candidates;
    final List<Grant> grants = new ArrayList<>();
    final List<Preemption> preemptions = new ArrayList<>();
    final Set<Long> stopped = new HashSet<>();
    final Set<Demand> unplaceable = new HashSet<>();
    final Set<String> backfilling = new HashSet<>();
    final Map<NavigableSet<WaitingJob>, Cursor> cursors = new IdentityHashMap<>();
    double activeWeight = -1;
    boolean reserved;
    boolean lending;

    Round(long now, WorkerPool workers, Allocations running, WaitingJobs waiting) {
      this.now = now;
      this.plan = workers.copy();
      this.running = running;
      this.waiting = waiting;
      this.capacity = workers.capacity();
      this.candidates = new TreeSet<>(waiting.tenants());
      for (String tenant : running.tenants()) {
        usage.put(tenant, running.usageOf(tenant));
      }
    }

    double share(String tenant) {
      return usage.getOrDefault(tenant, Demand.ZERO).dominantShare(capacity);
    }

    void grantFairly() {
      while (true) {
        String tenant = nextTenant();
        if (tenant == null) {
          return;
        }
        // Cheap refusal first: in a full cluster most tenants fit nothing.
        if (waiting.smallestChunkCoresOf(tenant) > plan.freeCores()) {
          block(tenant);
          continue;
        }
        WaitingJob job = bestOf(tenant);
        if (job == null) {
          blocked.put(tenant, Block.NO_FIT); // only sizes that fit nowhere left
          continue;
        }
        Demand demand = job.job().chunkDemand();
        Demand after = usage.getOrDefault(tenant, Demand.ZERO).plus(demand);
        if (!lending
            && after.dominantShare(capacity) > config.shareOf(tenant).maximum() + EPSILON) {
          blocked.put(tenant, Block.AT_MAXIMUM);
          continue;
        }
        int worker = plan.place(demand);
        if (worker < 0) {
          noRoomFor(tenant, demand);
          continue;
        }
        grant(job, worker);
      }
    }

    /**
     * A chunk of {@code tenant} of {@code demand} fits nowhere in the plan. A tenant below its
     * weighted part of the cluster backfills: its other jobs of sizes that may still fit go on,
     * behind a reservation for this one, and no chunk of this size is tried again this round (the
     * plan only fills up). Any other tenant gets nothing more this round.
     */
    void noRoomFor(String tenant, Demand demand) {
      if (!mayBackfill(tenant)) {
        block(tenant);
        return;
      }
      unplaceable.add(demand);
      backfilling.add(tenant);
      if (!reserved) {
        reserved = reserveFor(demand);
      }
      best.remove(tenant);
      if (bestOf(tenant) == null) {
        blocked.put(tenant, Block.NO_FIT);
      }
    }

    /**
     * Whether every tenant still holding waiting chunks after the fair grants was held back by its
     * maximum alone: no other tenant has a chunk waiting, fitting or not.
     */
    boolean onlyMaximaHoldBack() {
      return !blocked.isEmpty() && !blocked.containsValue(Block.NO_FIT);
    }

    /** Grants the idle capacity to the tenants at their maximum, in the same fair order. */
    void lendIdleCapacity() {
      lending = true;
      blocked.clear();
      grantFairly();
      lending = false;
    }

    void block(String tenant) {
      blocked.put(tenant, Block.NO_FIT);
      if (!reserved) {
        WaitingJob job = bestOf(tenant);
        reserved = job != null && reserveFor(job.job().chunkDemand());
      }
    }

    /**
     * Withholds, for the rest of the round, the worker closest to fitting {@code demand}, so a
     * large chunk of the tenant that is furthest behind is not starved by other tenants' small
     * ones.
     */
    boolean reserveFor(Demand demand) {
      int best = -1;
      double bestRoom = -1;
      for (int w = 0; w < plan.size(); w++) {
        if (!plan.isUp(w) || !demand.fitsIn(plan.capacityOf(w))) {
          continue;
        }
        Demand free = plan.freeOn(w);
        double room =
            Math.min(
                ratio(free.cores(), demand.cores()),
                Math.min(
                    ratio(free.memoryMb(), demand.memoryMb()), ratio(free.gpus(), demand.gpus())));
        if (room > bestRoom) {
          best = w;
          bestRoom = room;
        }
      }
      if (best < 0) {
        return false;
      }
      plan.take(best, plan.freeOn(best));
      return true;
    }

    /** Below-guarantee tenants first, then the lowest weighted dominant share; ties by name. */
    String nextTenant() {
      String pick = null;
      boolean pickGuaranteed = false;
      double pickKey = Double.POSITIVE_INFINITY;
      for (String tenant : candidates) {
        if (blocked.containsKey(tenant)) {
          continue;
        }
        TenantShare share = config.shareOf(tenant);
        double dominant = share(tenant);
        boolean guaranteed = dominant < share.guaranteed();
        double key = guaranteed ? dominant / share.guaranteed() : dominant / share.weight();
        if (pick == null
            || (guaranteed && !pickGuaranteed)
            || (guaranteed == pickGuaranteed && key < pickKey)) {
          pick = tenant;
          pickGuaranteed = guaranteed;
          pickKey = key;
        }
      }
      return pick;
    }

    void grant(WaitingJob job, int worker) {
      SchedulableJob schedulable = job.job();
      Demand demand = schedulable.chunkDemand();
      plan.take(worker, demand);
      grants.add(new Grant(schedulable.id(), demand, worker));
      usage.merge(schedulable.tenant(), demand, Demand::plus);
      int count = taken.merge(schedulable.id(), 1, Integer::sum);
      if (count == job.waitingChunks()) {
        best.remove(schedulable.tenant());
        if (bestOf(schedulable.tenant()) == null) {
          if (hasChunksLeft(schedulable.tenant())) {
            blocked.put(schedulable.tenant(), Block.NO_FIT);
          } else {
            candidates.remove(schedulable.tenant());
          }
        }
      }
    }

    /** The tenant's waiting job of highest effective priority with chunks left this round. */
    WaitingJob bestOf(String tenant) {
      WaitingJob cached = best.get(tenant);
      if (cached != null) {
        return cached;
      }
      WaitingJob top = null;
      double topScore = Double.NEGATIVE_INFINITY;
      for (NavigableSet<WaitingJob> bucket : waiting.bucketsOf(tenant)) {
        WaitingJob head = bucket.first();
        if (!eligible(head)) {
          head = firstEligible(bucket);
          if (head == null) {
            continue;
          }
        }
        SchedulableJob job = head.job();
        double ceiling = aging.ceiling(job.priority(), job.value());
        // Buckets come in falling order of their ceiling: none further can beat the top.
        if (ceiling < topScore) {
          break;
        }
        double score = aging.effective(job, now);
        if (top == null || score > topScore || (score == topScore && ranksFirst(job, top.job()))) {
          top = head;
          topScore = score;
        }
      }
      if (top != null) {
        best.put(tenant, top);
      }
      return top;
    }

    /**
     * The oldest eligible job of {@code bucket}, passing over at most {@value #BACKFILL_DEPTH} jobs
     * of sizes that fit nowhere; null when none. A job that is not eligible stays so for the rest
     * of the fair grants (the plan only fills up), so the search resumes where the last one ended.
     */
    WaitingJob firstEligible(NavigableSet<WaitingJob> bucket) {
      Cursor cursor = cursors.get(bucket);
      if (cursor != null && cursor.passed() >= BACKFILL_DEPTH) {
        return null;
      }
      int passed = cursor == null ? 0 : cursor.passed();
      for (WaitingJob job : cursor == null ? bucket : bucket.tailSet(cursor.job(), true)) {
        if (eligible(job)) {
          cursors.put(bucket, new Cursor(job, passed));
          return job;
        }
        // A backfill looks this deep into a bucket; exhausted jobs do not count.
        if (!exhausted(job) && ++passed == BACKFILL_DEPTH) {
          cursors.put(bucket, new Cursor(job, passed));
          return null;
        }
      }
      cursors.put(bucket, new Cursor(bucket.last(), BACKFILL_DEPTH));
      return null;
    }

    boolean exhausted(WaitingJob job) {
      return job.waitingChunks() <= taken.getOrDefault(job.job().id(), 0);
    }

    /**
     * Whether {@code tenant} may pass over its chunk that fits nowhere: when below its weighted
     * part, or when no other tenant has a chunk waiting (then nobody's chunk waits longer for it).
     */
    boolean mayBackfill(String tenant) {
      return lending || waiting.tenants().size() == 1 || belowWeightedPart(tenant);
    }

    /**
     * Whether {@code tenant}'s dominant share is below its weight over the weights of all tenants
     * with work, running or waiting.
     */
    boolean belowWeightedPart(String tenant) {
      if (activeWeight < 0) {
        activeWeight = 0;
        Set<String> active = new HashSet<>(waiting.tenants());
        active.addAll(running.tenants());
        for (String t : active) {
          activeWeight += config.shareOf(t).weight();
        }
      }
      return share(tenant) < config.shareOf(tenant).weight() / activeWeight;
    }

    /** Whether {@code tenant} has chunks not yet granted this round, of any size. */
    boolean hasChunksLeft(String tenant) {
      for (NavigableSet<WaitingJob> bucket : waiting.bucketsOf(tenant)) {
        for (WaitingJob job : bucket) {
          if (!exhausted(job)) {
            return true;
          }
        }
      }
      return false;
    }

    /** Whether {@code job} has chunks left this round of a size that may still fit. */
    boolean eligible(WaitingJob job) {
      return (taken.isEmpty() || !exhausted(job))
          && (unplaceable.isEmpty()
              || !backfilling.contains(job.job().tenant())
              || !unplaceable.contains(job.job().chunkDemand()));
    }

    void preemptForNeedyTenants() {
      // Victims free room the plan lacked: every size is worth trying again.
      unplaceable.clear();
      best.clear();
      cursors.clear();
      double totalWeight = 0;
      Set<String> active = new TreeSet<>(waiting.tenants());
      active.addAll(running.tenants());
      for (String tenant : active) {
        totalWeight += config.shareOf(tenant).weight();
      }
      List<String> needy = new ArrayList<>();
      blocked.forEach(
          (tenant, block) -> {
            if (block == Block.NO_FIT) {
              needy.add(tenant);
            }
          });
      // Furthest below its guarantee first; the others (HIGH work waiting) after, by name.
      needy.sort(Comparator.comparingDouble(this::guaranteeFulfilment));
      for (String tenant : needy) {
        TenantShare share = config.shareOf(tenant);
        double dominant = share(tenant);
        boolean underGuarantee = dominant < share.guaranteed();
        if (!underGuarantee
            && !(dominant < share.weight() / totalWeight
                && waiting.hasWaiting(tenant, Priority.HIGH))) {
          continue;
        }
        WaitingJob job = bestOf(tenant);
        if (job == null || now - job.job().submittedAt() < config.preemptionGraceMillis()) {
          continue;
        }
        boolean highJob = job.job().priority() == Priority.HIGH;
        String reason;
        if (underGuarantee) {
          reason =
              String.format(
                  Locale.ROOT,
                  "tenant %s under its guaranteed share %.2f (has %.2f)",
                  tenant,
                  share.guaranteed(),
                  dominant);
        } else if (highJob && dominant < share.weight() / totalWeight) {
          reason = "high-priority job %s waiting".formatted(job.job().id());
        } else {
          continue;
        }
        Demand demand = job.job().chunkDemand();
        Demand after = usage.getOrDefault(tenant, Demand.ZERO).plus(demand);
        if (after.dominantShare(capacity) > share.maximum() + EPSILON) {
          continue;
        }
        Room room = findRoom(tenant, job.job(), highJob, totalWeight);
        if (room == null) {
          continue;
        }
        for (RunningChunk victim : room.victims()) {
          stopped.add(victim.id());
          preemptions.add(new Preemption(victim, reason));
          plan.release(victim.worker(), victim.demand());
          usage.merge(victim.tenant(), victim.demand(), Demand::minus);
        }
        grant(job, room.worker());
      }
    }

    /** Share over guarantee, below 1 when under it; 1 for tenants without a guarantee. */
    double guaranteeFulfilment(String tenant) {
      double guaranteed = config.shareOf(tenant).guaranteed();
      return guaranteed == 0 ? 1 : Math.min(1, share(tenant) / guaranteed);
    }

    /** The worker and the fewest victims that make room for one chunk of {@code job}. */
    Room findRoom(String tenant, SchedulableJob job, boolean sparesHigh, double totalWeight) {
      Map<String, Double> overFair = new HashMap<>();
      for (Map.Entry<String, Demand> entry : usage.entrySet()) {
        String other = entry.getKey();
        double over =
            entry.getValue().dominantShare(capacity) - config.shareOf(other).weight() / totalWeight;
        if (!other.equals(tenant) && over > EPSILON) {
          overFair.put(other, over);
        }
      }
      if (overFair.isEmpty()) {
        return null;
      }
      Comparator<RunningChunk> victimOrder =
          Comparator.<RunningChunk>comparingDouble(c -> -overFair.get(c.tenant()))
              .thenComparingDouble(c -> aging.effective(c.job(), c.job().submittedAt()))
              .thenComparingLong(c -> -c.startedAt())
              .thenComparingLong(RunningChunk::id);
      Demand demand = job.chunkDemand();
      Room room = null;
      for (int w = 0; w < plan.size(); w++) {
        if (!plan.isUp(w) || !demand.fitsIn(plan.capacityOf(w))) {
          continue;
        }
        if (plan.fitsOn(w, demand)) {
          return new Room(w, List.of(), 0);
        }
        List<RunningChunk> eligible = new ArrayList<>();
        for (RunningChunk chunk : running.onWorker(w)) {
          if (overFair.containsKey(chunk.tenant())
              && !stopped.contains(chunk.id())
              && !(sparesHigh && chunk.job().priority() == Priority.HIGH)) {
            eligible.add(chunk);
          }
        }
        eligible.sort(victimOrder);
        List<RunningChunk> victims = victimsOn(w, demand, eligible);
        if (victims == null) {
          continue;
        }
        long lost = 0;
        for (RunningChunk victim : victims) {
          lost += (now - victim.startedAt()) * victim.demand().cores();
        }
        Room candidate = new Room(w, victims, lost);
        if (room == null || compare(candidate, room, victimOrder) < 0) {
          room = candidate;
        }
      }
      return room;
    }

    /**
     * Fewer victims first; then the room whose victims come first in {@code victimOrder} (from the
     * tenant most over its fair share, of the lowest priority, youngest); then the least lost work.
     */
    int compare(Room a, Room b, Comparator<RunningChunk> victimOrder) {
      int bySize = Integer.compare(a.victims().size(), b.victims().size());
      if (bySize != 0) {
        return bySize;
      }
      for (int i = 0; i < a.victims().size(); i++) {
        int byVictim = victimOrder.compare(a.victims().get(i), b.victims().get(i));
        if (byVictim != 0) {
          return byVictim;
        }
      }
      return Long.compare(a.lostCoreMillis(), b.lostCoreMillis());
    }

    /** The victims, in order, that free enough on worker {@code w}; null when none suffice. */
    List<RunningChunk> victimsOn(int w, Demand demand, List<RunningChunk> eligible) {
      Demand free = plan.freeOn(w);
      Map<String, Demand> left = new HashMap<>();
      List<RunningChunk> victims = new ArrayList<>();
      for (RunningChunk chunk : eligible) {
        if (demand.fitsIn(free)) {
          break;
        }
        Demand tenantLeft =
            left.getOrDefault(chunk.tenant(), usage.get(chunk.tenant())).minus(chunk.demand());
        if (tenantLeft.dominantShare(capacity)
            < config.shareOf(chunk.tenant()).guaranteed() - EPSILON) {
          continue;
        }
        left.put(chunk.tenant(), tenantLeft);
        victims.add(chunk);
        free = free.plus(chunk.demand());
      }
      if (!demand.fitsIn(free)) {
        return null;
      }
      // Spare any victim the chunk turns out not to need.
      for (int i = 0; i < victims.size(); i++) {
        Demand without = free.minus(victims.get(i).demand());
        if (demand.fitsIn(without)) {
          free = without;
          victims.remove(i--);
        }
      }
      return victims;
    }
  }

  /** The tie-break of {@link AgingPriority#order} between jobs of equal effective priority. */
  private static boolean ranksFirst(SchedulableJob job, SchedulableJob other) {
    boolean high = job.priority() == Priority.HIGH;
    if (high != (other.priority() == Priority.HIGH)) {
      return high;
    }
    if (job.submittedAt() != other.submittedAt()) {
      return job.submittedAt() < other.submittedAt();
    }
    return job.id().compareTo(other.id()) < 0;
  }

  private static double ratio(long free, long needed) {
    return needed == 0 ? Double.POSITIVE_INFINITY : (double) free / needed;
  }

  /**
   * Where the search of a bucket for an eligible job stands: at {@code job}, having passed some.
   */
  private record Cursor(WaitingJob job, int passed) {}

  /** Room for one chunk on {@code worker} once {@code victims} stop. */
  private record Room(int worker, List<RunningChunk> victims, long lostCoreMillis) {}
}

package io.lakebatch.server.scheduling;

import io.lakebatch.catalog.spec.Priority;
import java.util.Comparator;
import java.util.OptionalLong;

/**
 * The effective priority of a waiting job, which grows while it waits so that no job starves:
 *
 * <pre>
 *   effective = classBase(class) + value + min(maxAgingBoost, waitMillis / millisPerPoint)
 *   classBase: HIGH = 2000, NORMAL = 1000, LOW = 0;  value in 0..99
 * </pre>
 *
 * <p>Aging is continuous (a job gains one point per {@code millisPerPoint} of wait) and capped at
 * {@code maxAgingBoost}, which may be at most {@value #MAX_BOOST} = HIGH − LOW − 99: an aged LOW
 * job can therefore reach, but never exceed, the base of a fresh HIGH job. Ties go to the higher
 * class, then to the older job, then to the smaller id, so an aged LOW job that reaches 2000 still
 * yields to a fresh HIGH job of value 0.
 *
 * <p>Bounds follow directly: a job of class {@code c} and value {@code v} outranks a fresh job of
 * class {@code c'} and value {@code v'} once it has waited more than {@code (base(c') + v' −
 * base(c) − v) × millisPerPoint}, provided that difference is below the cap ({@link
 * #waitToOutrank}). The worst case for a class, {@link #maxWaitBeforeOvertaking}, is its value-0
 * job against a fresh value-99 job of the next class up: for LOW against NORMAL, {@code 1099 ×
 * millisPerPoint} plus one millisecond.
 */
public final class AgingPriority {
  /** The largest permitted {@code maxAgingBoost}. */
  public static final int MAX_BOOST =
      classBase(Priority.HIGH) - classBase(Priority.LOW) - SchedulableJob.MAX_VALUE;

  private final long millisPerPoint;
  private final int maxAgingBoost;

  /**
   * @param millisPerPoint how long a job waits to gain one point, positive
   * @param maxAgingBoost the most points aging adds, 0..{@value #MAX_BOOST}
   */
  public AgingPriority(long millisPerPoint, int maxAgingBoost) {
    if (millisPerPoint <= 0) {
      throw new IllegalArgumentException(
          "Invalid aging rate (milliseconds per point not positive): " + millisPerPoint);
    }
    if (maxAgingBoost < 0 || maxAgingBoost > MAX_BOOST) {
      throw new IllegalArgumentException(
          "Invalid max aging boost (not in 0..%d): %d".formatted(MAX_BOOST, maxAgingBoost));
    }
    this.millisPerPoint = millisPerPoint;
    this.maxAgingBoost = maxAgingBoost;
  }

  /** The base of a class: HIGH 2000, NORMAL 1000, LOW 0. */
  public static int classBase(Priority priority) {
    return switch (priority) {
      case HIGH -> 2000;
      case NORMAL -> 1000;
      case LOW -> 0;
    };
  }

  /** The effective priority of {@code job} at {@code now}. */
  public double effective(SchedulableJob job, long now) {
    return effective(job.priority(), job.value(), Math.max(0, now - job.submittedAt()));
  }

  /** The effective priority of a job of {@code priority} and {@code value} that waited so long. */
  public double effective(Priority priority, int value, long waitedMillis) {
    double boost = Math.min(maxAgingBoost, (double) waitedMillis / millisPerPoint);
    return classBase(priority) + value + boost;
  }

  /** The most an aged job of {@code priority} can reach. */
  public double ceiling(Priority priority, int value) {
    return classBase(priority) + value + maxAgingBoost;
  }

  /** Highest effective priority first at {@code now}; ties as in the class comment. */
  public Comparator<SchedulableJob> order(long now) {
    return Comparator.<SchedulableJob>comparingDouble(j -> -effective(j, now))
        .thenComparing(SchedulableJob::priority)
        .thenComparingLong(SchedulableJob::submittedAt)
        .thenComparing(SchedulableJob::id);
  }

  /**
   * The shortest wait after which a job of {@code priority} and {@code value} ranks above a fresh
   * job of {@code freshPriority} and {@code freshValue}; empty when aging never gets it there.
   */
  public OptionalLong waitToOutrank(
      Priority priority, int value, Priority freshPriority, int freshValue) {
    int gap = classBase(freshPriority) + freshValue - classBase(priority) - value;
    // An equal score goes to the higher class, and within a class to the older (the waiting) job.
    boolean tieWins = priority.compareTo(freshPriority) <= 0;
    if (gap < 0 || (gap == 0 && tieWins)) {
      return OptionalLong.of(0);
    }
    // Aging must strictly pass the gap, or reach it when the tie goes to this job's class.
    if (gap > maxAgingBoost || (gap == maxAgingBoost && !tieWins)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(tieWins ? gap * millisPerPoint : gap * millisPerPoint + 1);
  }

  /**
   * The longest a job of {@code priority} waits before it outranks every fresh job of the next
   * class up (its value-0 job against their value-99 job); empty for HIGH or when aging never gets
   * there.
   */
  public OptionalLong maxWaitBeforeOvertaking(Priority priority) {
    if (priority == Priority.HIGH) {
      return OptionalLong.empty();
    }
    Priority next = Priority.values()[priority.ordinal() - 1];
    return waitToOutrank(priority, 0, next, SchedulableJob.MAX_VALUE);
  }
}

package io.lakebatch.server.scheduling;

import io.lakebatch.catalog.spec.Priority;
import java.util.Comparator;
import java.util.OptionalLong;

/**
 * The effective priority of a waiting job, which grows while it waits so that no job starves:
 *
 * <pre>
 *   raw       = classBase(class) + value + min(maxAgingBoost, waitMillis / millisPerPoint)
 *   effective = raw                    for HIGH
 *             = min(raw, classBase(HIGH)) for NORMAL and LOW
 *   classBase: HIGH = 2000, NORMAL = 1000, LOW = 0;  value in 0..99
 * </pre>
 *
 * <p>Aging is continuous (one point per {@code millisPerPoint} of wait) and capped twice: by {@code
 * maxAgingBoost}, and, below HIGH, at the base of HIGH, so an aged NORMAL or LOW job can reach but
 * never exceed a fresh HIGH job of value 0. Ties go to a HIGH job, then to the older job, then to
 * the smaller id: an aged LOW job at 2000 yields to a fresh HIGH job but not to a younger NORMAL
 * job at 2000, so among jobs that waited long the order is first come, first served.
 *
 * <p>Bounds follow directly. A job of class {@code c} and value {@code v} outranks a fresh job of
 * class {@code c'} and value {@code v'} once it has waited {@code (base(c') + v' − base(c) − v) ×
 * millisPerPoint} (one millisecond more when the tie goes to the fresh job), provided aging can get
 * it there at all ({@link #waitToOutrank}). The worst case for a class, {@link
 * #maxWaitBeforeOvertaking}, is its value-0 job against a fresh value-99 job of the next class up:
 * for LOW against NORMAL, {@code 1099 × millisPerPoint}; after that a LOW job yields only to HIGH
 * jobs and to jobs that have waited at least as long.
 */
public final class AgingPriority {
  /** The boost that takes a value-0 LOW job to the base of HIGH. */
  public static final int FULL_BOOST = classBase(Priority.HIGH) - classBase(Priority.LOW);

  private final long millisPerPoint;
  private final int maxAgingBoost;

  /**
   * @param millisPerPoint how long a job waits to gain one point, positive
   * @param maxAgingBoost the most points aging adds, not negative
   */
  public AgingPriority(long millisPerPoint, int maxAgingBoost) {
    if (millisPerPoint <= 0) {
      throw new IllegalArgumentException(
          "Invalid aging rate (milliseconds per point not positive): " + millisPerPoint);
    }
    if (maxAgingBoost < 0) {
      throw new IllegalArgumentException("Invalid max aging boost (negative): " + maxAgingBoost);
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
    return Math.min(ceiling(priority, value), classBase(priority) + value + boost);
  }

  /** The most a job of {@code priority} and {@code value} reaches, however long it waits. */
  public double ceiling(Priority priority, int value) {
    double raw = classBase(priority) + value + maxAgingBoost;
    return priority == Priority.HIGH ? raw : Math.min(raw, classBase(Priority.HIGH));
  }

  /** Highest effective priority first at {@code now}; ties as in the class comment. */
  public Comparator<SchedulableJob> order(long now) {
    return Comparator.<SchedulableJob>comparingDouble(j -> -effective(j, now))
        .thenComparing(j -> j.priority() != Priority.HIGH)
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
    // An equal score goes to a HIGH job, otherwise to the older (the waiting) job.
    boolean tieWins = priority == Priority.HIGH || freshPriority != Priority.HIGH;
    if (gap < 0 || (gap == 0 && tieWins)) {
      return OptionalLong.of(0);
    }
    double reach = ceiling(priority, value) - classBase(priority) - value;
    if (gap > reach || (gap == reach && !tieWins)) {
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

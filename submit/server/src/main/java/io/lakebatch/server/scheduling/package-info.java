/**
 * The pure scheduling core of the next-generation server scheduler: chunk-level decisions with no
 * Spark, no server and no database.
 *
 * <p>A {@link io.lakebatch.server.scheduling.ChunkScheduler} reads a {@link
 * io.lakebatch.server.scheduling.WorkerPool}, the running {@link
 * io.lakebatch.server.scheduling.Allocations} and the {@link
 * io.lakebatch.server.scheduling.WaitingJobs}, and returns a {@link
 * io.lakebatch.server.scheduling.SchedulingDecision}: grants to start and preemptions to apply at
 * chunk boundaries. Three implementations: {@link io.lakebatch.server.scheduling.FifoScheduler},
 * {@link io.lakebatch.server.scheduling.StrictPriorityScheduler} and {@link
 * io.lakebatch.server.scheduling.FairShareScheduler} (weighted DRF with guarantees, maximums,
 * {@link io.lakebatch.server.scheduling.AgingPriority} and preemption), all configured by {@link
 * io.lakebatch.server.scheduling.SchedulerConfig}.
 *
 * <p>{@link io.lakebatch.server.scheduling.SchedulerSimulation} replays a generated {@link
 * io.lakebatch.server.scheduling.SimulationTrace} against each on a fake clock (chunk by chunk, or
 * in job granularity as a server that schedules whole jobs would) and reports a {@link
 * io.lakebatch.server.scheduling.SimulationReport}; {@link
 * io.lakebatch.server.scheduling.SchedulerComparison} prints the comparison ({@code lakebatch
 * scheduler-sim}).
 */
package io.lakebatch.server.scheduling;

/**
 * The LakeBatch engine as a library: the one public, documented entry to planning and running
 * batch-inference jobs from Java, notebooks and servers. Everything outside this package is
 * internal.
 *
 * <ul>
 *   <li>{@link io.lakebatch.api.LakeBatch}: {@code with(spark[, catalog])}, then {@code
 *       plan(spec)}, {@code run(spec[, options])} and {@code status(runId)}.
 *   <li>{@link io.lakebatch.api.RunHandle}: a run under way on its own thread: {@code runId()},
 *       {@code progress()}, {@code cancel()} (at the next chunk boundary), {@code await()}, {@code
 *       summary()}.
 *   <li>{@link io.lakebatch.api.RunListener} and {@link io.lakebatch.api.RunEvent}: what a run
 *       tells its subscribers (console, run store, server, tests); the engine prints nothing.
 *   <li>{@link io.lakebatch.api.RunOptions}, {@link io.lakebatch.api.RunStart}, {@link
 *       io.lakebatch.api.RunPlan}, {@link io.lakebatch.api.RunSummary}: values in and out.
 *   <li>{@link io.lakebatch.api.DataFrameScorer}: {@code score(df, model, inputs, outputs)}, a lazy
 *       transformation that appends predictions and {@code _lakebatch_error}.
 *   <li>{@link io.lakebatch.api.LakeBatchSqlExtensions}: {@code lakebatch_predict(model, cols...)}
 *       in SQL, through {@code spark.sql.extensions}.
 * </ul>
 *
 * <p>The guarantees of a run (exactly-once chunk commits, fenced drivers, atomic overwrite, pinned
 * inputs) are those of {@code lakebatch run}; see the README's Guarantees section.
 */
package io.lakebatch.api;

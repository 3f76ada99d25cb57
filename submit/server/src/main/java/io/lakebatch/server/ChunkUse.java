package io.lakebatch.server;

/** How many cores each running chunk still uses, by its Spark job tag ({@link ChunkActivity}). */
interface ChunkUse {

  /** The cores chunk {@code tag} uses of the {@code granted} it holds. */
  int coresInUse(String tag, int granted);

  /** Forgets chunk {@code tag} (it ended). */
  void forget(String tag);
}

/**
 * A Spark standalone cluster on this machine, started from LakeBatch's own classpath (no Spark
 * distribution): {@link io.lakebatch.submit.cluster.StandaloneCluster} starts a master and workers
 * as detached child JVMs bound to 127.0.0.1 and records them in a state folder, so that a later
 * process can find and stop them; {@code lakebatch cluster start|status|stop} is its command line.
 */
package io.lakebatch.submit.cluster;

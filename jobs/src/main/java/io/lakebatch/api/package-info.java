/** LakeBatch's public engine API: jobs, DataFrame scoring and the SQL function, for Java, notebooks and SQL. */
package io.lakebatch.api;

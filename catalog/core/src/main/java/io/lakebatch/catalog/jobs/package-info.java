/** The job server's durable queue and API tokens, as the catalog database stores them. */
package io.lakebatch.catalog.jobs;

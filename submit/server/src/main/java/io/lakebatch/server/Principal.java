package io.lakebatch.server;

/** Who sent a request: the tenant of its token, and whether that token is an admin's. */
public record Principal(String tenant, boolean admin) {
  /** Whether this principal may see and change a job of {@code jobTenant}. */
  public boolean sees(String jobTenant) {
    return admin || tenant.equals(jobTenant);
  }
}

package io.lakebatch.submit.catalog;

import io.lakebatch.catalog.error.ExitCodes;
import io.lakebatch.catalog.jobs.ApiToken;
import io.lakebatch.catalog.jobs.TokenStore;
import io.lakebatch.catalog.store.Catalog;
import io.lakebatch.submit.LakeBatchHome;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebatch tokens}: the job server's API tokens, in the catalog (stored hashed). */
@Command(
    name = "tokens",
    description = "The job server's API tokens: create (secret shown once), list, revoke.",
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.ListTokens.class,
      TokensCommand.Revoke.class
    })
public final class TokensCommand implements Runnable {
  @Mixin HelpOption helpOption;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a tokens command: create, list or revoke");
  }

  @Command(name = "create", description = "Create a token for a tenant; prints its secret once.")
  static final class Create implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "its tenant")
    String tenant;

    @Option(names = "--admin", description = "an admin token: every tenant's jobs")
    boolean admin;

    @Override
    public Integer call() {
      try (Catalog catalog = LakeBatchHome.catalog()) {
        TokenStore.CreatedToken created = catalog.tokens().create(tenant, admin);
        System.out.println(
            "token "
                + created.token().id()
                + " for tenant "
                + tenant
                + (admin ? " (admin)" : "")
                + "; its secret, shown once:");
        System.out.println(created.secret());
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List tokens (ids and tenants; never secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Override
    public Integer call() {
      try (Catalog catalog = LakeBatchHome.catalog()) {
        TextTable table = new TextTable("ID", "TENANT", "ROLE", "CREATED", "REVOKED");
        for (ApiToken token : catalog.tokens().list()) {
          table.add(
              token.id(),
              token.tenant(),
              token.admin() ? "admin" : "tenant",
              Formats.time(token.createdAt()),
              token.revokedAt().map(Formats::time).orElse("-"));
        }
        System.out.print(table.render());
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke a token: requests with it get 401 from then on.")
  static final class Revoke implements Callable<Integer> {
    @Mixin HelpOption helpOption;

    @Parameters(index = "0", paramLabel = "ID", description = "the token's id (tok-...)")
    String id;

    @Override
    public Integer call() {
      try (Catalog catalog = LakeBatchHome.catalog()) {
        if (!catalog.tokens().revoke(id)) {
          System.err.println("error: no live token " + id + "; see `lakebatch tokens list`");
          return ExitCodes.USAGE;
        }
        System.out.println("revoked " + id);
      }
      return 0;
    }
  }
}

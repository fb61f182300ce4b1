using System.CommandLine;
using System.Globalization;
using Nanogate.Admin;
using Nanogate.Auth;
using Nanogate.Storage.Accounts;

namespace Nanogate.Hosting.Commands;

/// <summary><c>keys list ACCOUNT</c>, <c>keys create ACCOUNT [--name N]</c>, <c>keys revoke KEY_ID</c>.</summary>
internal static class KeyCommands
{
    /// <summary>The <c>keys</c> command.</summary>
    public static Command Create(CommandContext context)
    {
        var json = CommonOptions.Json();
        var account = new Argument<string>("account") { Description = "The account id (acct_…)." };
        var list = new Command("list", "List an account's keys (their prefixes; keys are stored hashed).") { account, json };
        list.SetAction(CommandActions.Guarded(context, (p, ct) => ListAsync(context, p.GetRequiredValue(account), p.GetValue(json), ct)));

        var name = new Option<string?>("--name") { Description = "A name for the key (at most 100 characters)." };
        var createAccount = new Argument<string>("account") { Description = "The account id (acct_…)." };
        var create = new Command("create", "Create a key; it is printed once and stored only as a hash.") { createAccount, name, json };
        create.SetAction(CommandActions.Guarded(context, (p, ct) => CreateAsync(context, p.GetRequiredValue(createAccount), p.GetValue(name), p.GetValue(json), ct)));

        var keyId = new Argument<string>("key-id") { Description = "The key's id (key_…), as keys list shows it." };
        var revoke = new Command("revoke", "Revoke a key: running servers refuse it within a second on PostgreSQL, within 30 seconds (their key cache) on SQLite.") { keyId };
        revoke.SetAction(CommandActions.Guarded(context, (p, ct) => RevokeAsync(context, p.GetRequiredValue(keyId), ct)));

        return new Command("keys", "List, create or revoke an account's API keys.") { list, create, revoke };
    }

    private static async Task<int> ListAsync(CommandContext context, string accountId, bool json, CancellationToken ct)
    {
        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var accounts = host.Get<IAccountStore>();
        _ = await accounts.GetAccountAsync(accountId, ct).ConfigureAwait(false) ?? throw new CommandFailedException($"there is no account {accountId} (accounts list shows them).");
        var keys = await accounts.ListKeysAsync(accountId, ct).ConfigureAwait(false);
        if (json)
        {
            await context.WriteJsonAsync(keys.Select(k => new { k.Id, k.AccountId, k.Prefix, k.Name, k.CreatedAt, k.RevokedAt })).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        foreach (var key in keys)
        {
            var state = key.RevokedAt is { } revoked ? "revoked " + revoked.ToString("u", CultureInfo.InvariantCulture) : "active";
            await context.Output.WriteLineAsync($"{key.Id,-28} {key.Prefix + "…",-16} {key.Name ?? "",-24} {state}").ConfigureAwait(false);
        }

        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{keys.Count} key(s)")).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static async Task<int> CreateAsync(CommandContext context, string accountId, string? name, bool json, CancellationToken ct)
    {
        if (name is not null && AdminNames.Problem(name, "--name") is { } problem)
        {
            throw new CommandFailedException(problem, ExitCodes.Usage);
        }

        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var accounts = host.Get<IAccountStore>();
        _ = await accounts.GetAccountAsync(accountId, ct).ConfigureAwait(false) ?? throw new CommandFailedException($"there is no account {accountId} (accounts list shows them).");
        var created = await accounts.CreateKeyAsync(accountId, name, null, ct).ConfigureAwait(false);
        await Admin.Manage.AdminAudit.RecordCliAsync(host.Services, "key.create", accountId,
            new System.Text.Json.Nodes.JsonObject { ["key_id"] = created.Record.Id, ["name"] = name }, ct).ConfigureAwait(false);
        if (json)
        {
            await context.WriteJsonAsync(new { created.Record.Id, created.Record.AccountId, created.Record.Prefix, created.Record.Name, created.Key }).ConfigureAwait(false);
        }
        else
        {
            await context.Output.WriteLineAsync($"Created key {created.Record.Id} for {accountId} (shown once, stored hashed):").ConfigureAwait(false);
            await context.Output.WriteLineAsync(created.Key).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> RevokeAsync(CommandContext context, string keyId, CancellationToken ct)
    {
        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        if (!await host.Get<IAccountStore>().RevokeKeyAsync(keyId, ct).ConfigureAwait(false))
        {
            throw new CommandFailedException($"there is no key {keyId} (keys list ACCOUNT shows them).");
        }

        // Running servers drop the key from their caches when they hear this (PostgreSQL: LISTEN/NOTIFY); a SQLite
        // server in another process re-reads the key when its cache entry expires (30 s).
        await host.Get<ApiKeyAuthenticator>().KeysChangedAsync(ct).ConfigureAwait(false);
        await Admin.Manage.AdminAudit.RecordCliAsync(host.Services, "key.revoke", keyId, null, ct).ConfigureAwait(false);
        await context.Output.WriteLineAsync($"Revoked {keyId}.").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}

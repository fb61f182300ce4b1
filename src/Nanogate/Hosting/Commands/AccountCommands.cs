using System.CommandLine;
using System.Globalization;
using Nanogate.Admin;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Hosting.Commands;

/// <summary><c>accounts list</c> and <c>accounts create NAME [--credits N]</c>: what the admin API's account routes do, without a server.</summary>
internal static class AccountCommands
{
    /// <summary>The <c>accounts</c> command.</summary>
    public static Command Create(CommandContext context)
    {
        var json = CommonOptions.Json();
        var list = new Command("list", "List every account with its credits.") { json };
        list.SetAction(CommandActions.Guarded(context, (p, ct) => ListAsync(context, p.GetValue(json), ct)));

        var name = new Argument<string>("name") { Description = "The account's name (at most 100 characters)." };
        var credits = new Option<long>("--credits") { Description = "Credits to start with (default 0)." };
        var create = new Command("create", "Create an account.") { name, credits, json };
        create.SetAction(CommandActions.Guarded(context, (p, ct) => CreateAsync(context, p.GetRequiredValue(name), p.GetValue(credits), p.GetValue(json), ct)));

        return new Command("accounts", "List or create accounts.") { list, create };
    }

    private static async Task<int> ListAsync(CommandContext context, bool json, CancellationToken ct)
    {
        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var accounts = await host.Get<IAccountStore>().ListAccountsAsync(ct).ConfigureAwait(false);
        var ledger = host.Get<ILedger>();
        var rows = new List<AccountRow>();
        foreach (var account in accounts)
        {
            rows.Add(AccountRow.Of(account, await ledger.GetBalanceAsync(account.Id, ct).ConfigureAwait(false)));
        }

        if (json)
        {
            await context.WriteJsonAsync(rows).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await context.Output.WriteLineAsync($"{"id",-30} {"name",-24} {"available",15} {"reserved",12} {"charged",15}").ConfigureAwait(false);
        foreach (var row in rows)
        {
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{row.Id,-30} {Truncate(row.Name, 24),-24} {row.Credits.Available,15} {row.Credits.Reserved,12} {row.Credits.Charged,15}")).ConfigureAwait(false);
        }

        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} account(s)")).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static async Task<int> CreateAsync(CommandContext context, string name, long credits, bool json, CancellationToken ct)
    {
        if ((string.IsNullOrWhiteSpace(name) ? "the name may not be empty." : AdminNames.Problem(name, "the name")) is { } problem)
        {
            throw new CommandFailedException(problem, ExitCodes.Usage);
        }

        if (credits is < 0 or > ILedger.MaxBalance)
        {
            throw new CommandFailedException(string.Create(CultureInfo.InvariantCulture, $"--credits must be between 0 and {ILedger.MaxBalance}."), ExitCodes.Usage);
        }

        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var account = await host.Get<IAccountStore>().CreateAccountAsync(name.Trim(), credits, ct).ConfigureAwait(false);
        await Admin.Manage.AdminAudit.RecordCliAsync(host.Services, "account.create", account.Id,
            new System.Text.Json.Nodes.JsonObject { ["name"] = account.Name, ["credits"] = credits }, ct).ConfigureAwait(false);
        var row = AccountRow.Of(account, await host.Get<ILedger>().GetBalanceAsync(account.Id, ct).ConfigureAwait(false));
        if (json)
        {
            await context.WriteJsonAsync(row).ConfigureAwait(false);
        }
        else
        {
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Created account {row.Id} ({row.Name}) with {row.Credits.Available} credits.")).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

using System.CommandLine;
using System.Globalization;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Hosting.Commands;

/// <summary><c>credits show ACCOUNT</c> and <c>credits add ACCOUNT AMOUNT [--note TEXT]</c>.</summary>
internal static class CreditCommands
{
    /// <summary>The <c>credits</c> command.</summary>
    public static Command Create(CommandContext context)
    {
        var json = CommonOptions.Json();
        var account = new Argument<string>("account") { Description = "The account id (acct_…)." };
        var show = new Command("show", "Show an account's credits: available, reserved by requests in flight, charged, topped up.") { account, json };
        show.SetAction(CommandActions.Guarded(context, (p, ct) => ShowAsync(context, p.GetRequiredValue(account), p.GetValue(json), ct)));

        var addAccount = new Argument<string>("account") { Description = "The account id (acct_…)." };
        var amount = new Argument<long>("amount") { Description = "Credits to add (a positive whole number)." };
        var note = new Option<string?>("--note") { Description = "Why, for the ledger (default \"operator top-up\")." };
        var add = new Command("add", "Top an account up.") { addAccount, amount, note, json };
        add.SetAction(CommandActions.Guarded(context, (p, ct) => AddAsync(context, p.GetRequiredValue(addAccount), p.GetValue(amount), p.GetValue(note), p.GetValue(json), ct)));

        return new Command("credits", "Show or top up an account's credits.") { show, add };
    }

    private static async Task<int> ShowAsync(CommandContext context, string accountId, bool json, CancellationToken ct)
    {
        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var account = await host.Get<IAccountStore>().GetAccountAsync(accountId, ct).ConfigureAwait(false)
            ?? throw new CommandFailedException($"there is no account {accountId} (accounts list shows them).");
        await WriteAsync(context, AccountRow.Of(account, await host.Get<ILedger>().GetBalanceAsync(accountId, ct).ConfigureAwait(false)), json).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static async Task<int> AddAsync(CommandContext context, string accountId, long amount, string? note, bool json, CancellationToken ct)
    {
        if (amount is <= 0 or > ILedger.MaxBalance)
        {
            throw new CommandFailedException(string.Create(CultureInfo.InvariantCulture, $"the amount must be a positive whole number, at most {ILedger.MaxBalance}."), ExitCodes.Usage);
        }

        if (note is not null && Admin.AdminNames.Problem(note, "--note") is { } problem)
        {
            throw new CommandFailedException(problem, ExitCodes.Usage);
        }

        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var account = await host.Get<IAccountStore>().GetAccountAsync(accountId, ct).ConfigureAwait(false)
            ?? throw new CommandFailedException($"there is no account {accountId} (accounts list shows them).");
        var ledger = host.Get<ILedger>();
        if (await ledger.TopUpAsync(accountId, amount, note ?? "operator top-up", ct).ConfigureAwait(false) is null)
        {
            throw new CommandFailedException(string.Create(CultureInfo.InvariantCulture,
                $"adding {amount} would take {accountId} past the {ILedger.MaxBalance} credits an account may hold; nothing was added."));
        }

        await Admin.Manage.AdminAudit.RecordCliAsync(host.Services, "credits.top_up", accountId,
            new System.Text.Json.Nodes.JsonObject { ["credits"] = amount, ["note"] = note ?? "operator top-up" }, ct).ConfigureAwait(false);
        var row = AccountRow.Of(account, await ledger.GetBalanceAsync(accountId, ct).ConfigureAwait(false));
        if (!json)
        {
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Added {amount} credits to {accountId}.")).ConfigureAwait(false);
        }

        await WriteAsync(context, row, json).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static Task WriteAsync(CommandContext context, AccountRow row, bool json) => json
        ? context.WriteJsonAsync(row)
        : context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{row.Id} ({row.Name}): {row.Credits.Available} available, {row.Credits.Reserved} reserved, {row.Credits.Charged} charged, {row.Credits.ToppedUp} topped up"));
}

using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Hosting.Commands;

/// <summary>An account as the commands print it (the admin API's fields).</summary>
internal sealed record AccountRow(string Id, string Name, DateTimeOffset CreatedAt, AccountBalance Credits)
{
    /// <summary>The row of <paramref name="account"/> with its balance.</summary>
    public static AccountRow Of(Account account, AccountBalance balance) => new(account.Id, account.Name, account.CreatedAt, balance);
}

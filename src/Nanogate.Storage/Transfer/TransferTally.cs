using System.Data.Common;
using System.Globalization;

namespace Nanogate.Storage.Transfer;

/// <summary>A tally read with the same SQL on every provider, so both sides of a copy are measured by one ruler.</summary>
internal static class TransferTally
{
    private const string AccountsSql = """
        SELECT a.id, a.credits_available,
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'topup' THEN l.amount END), 0) AS BIGINT),
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'reserve' THEN l.amount END), 0) AS BIGINT),
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'capture' THEN l.amount END), 0) AS BIGINT),
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'release' THEN l.amount END), 0) AS BIGINT)
        FROM accounts a LEFT JOIN ledger_entries l ON l.account_id = a.id
        GROUP BY a.id, a.credits_available
        """;

    /// <summary>A double-quoted identifier (names come from the schema itself; quoting keeps a keyword like <c>key</c> safe).</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Counts the rows of <paramref name="tables"/> and reads every account's money on <paramref name="connection"/>.</summary>
    public static async Task<StorageTally> ReadAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.Transaction = transaction;
            count.CommandText = $"SELECT COUNT(*) FROM {Quote(table)}";
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var accounts = new List<AccountTally>();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = AccountsSql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            accounts.Add(new AccountTally(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return new StorageTally(counts, accounts);
    }
}

using System.Globalization;
using System.Text;
using Npgsql;

namespace Nanogate.Bench;

/// <summary>
/// A throwaway PostgreSQL cluster for the task scenarios on <c>Storage:Provider=postgres</c>: like tests/postgres.sh
/// (a fresh cluster in the work folder on a free loopback port, run as the postgres user when the harness is root),
/// but durable as shipped (<c>fsync</c>, <c>synchronous_commit</c> and <c>full_page_writes</c> at their defaults:
/// on) and with <c>pg_stat_statements</c> preloaded, so the database work of a scenario can be counted.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;
    private readonly string[] _as;
    private readonly string _work;

    private BenchPostgres(string bin, string dir, string[] runAs, string work, int port, string version)
    {
        _bin = bin;
        _dir = dir;
        _as = runAs;
        _work = work;
        Port = port;
        Version = version;
    }

    public int Port { get; }

    private double _cpuStart;

    public string Version { get; }

    /// <summary>Starts a cluster, or returns the reason it cannot.</summary>
    public static async Task<(BenchPostgres? Server, string? Skip)> StartAsync(string work)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (bin is null)
        {
            return (null, "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql, or tests/postgres.sh installs it)");
        }

        var dir = Path.Combine(Path.GetTempPath(), "nanogate-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        Directory.CreateDirectory(Path.Combine(dir, "socket"));
        string[] runAs = [];
        if (Environment.UserName == "root")
        {
            var (chown, chownOut) = await Systems.RunAsync("chown", $"-R postgres: {dir}", work, TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            if (chown != 0)
            {
                return (null, "running as root and could not hand the cluster folder to the postgres user: " + Probe.Squash(chownOut, 200));
            }

            runAs = ["-u", "postgres", "--"];
        }

        var server = new BenchPostgres(bin, dir, runAs, work, Ports.Free(), "");
        var (code, output) = await server.RunAsync("initdb", $"-D {dir}/data -A trust -U postgres -E UTF8", TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        if (code != 0)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            return (null, "initdb failed: " + Probe.Squash(output, 300));
        }

        // Durability as shipped: no fsync/synchronous_commit/full_page_writes overrides, ever, for a benchmark.
        var settings = $"-p {server.Port} -k {dir}/socket -c listen_addresses=127.0.0.1 -c max_connections=300 "
            + "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.max=2000";
        (code, output) = await server.RunAsync("pg_ctl", $"-D {dir}/data -l {dir}/server.log -w -t 60 -o \"{settings}\" start", TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        if (code != 0)
        {
            var log = File.Exists(Path.Combine(dir, "server.log")) ? File.ReadAllText(Path.Combine(dir, "server.log")) : "";
            await server.DisposeAsync().ConfigureAwait(false);
            return (null, "pg_ctl start failed: " + Probe.Squash(output + log, 300));
        }

        var version = "";
        await using (var connection = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', full_page_writes=' || current_setting('full_page_writes')",
                connection);
            version = (string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        }

        return (new BenchPostgres(bin, dir, runAs, work, server.Port, version), null);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false";

    /// <summary>A fresh database with pg_stat_statements; returns the connection string a gateway is given.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await using (var connection = new NpgsqlConnection(ConnectionString(name)))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await extension.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Forgets the statement counters of every database and returns the WAL position now.</summary>
    public async Task<string> ResetAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT pg_stat_statements_reset(); SELECT pg_stat_reset(); SELECT pg_stat_reset_shared('wal'); SELECT pg_current_wal_lsn()::text", connection);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        for (var i = 0; i < 3; i++)
        {
            await reader.NextResultAsync().ConfigureAwait(false);
        }

        await reader.ReadAsync().ConfigureAwait(false);
        _cpuStart = CpuSeconds();
        return reader.GetString(0);
    }

    /// <summary>
    /// CPU seconds (user + system) of the whole cluster: the postmaster with the backends it reaped, plus its live
    /// children (backends, WAL writer, checkpointer…), from /proc.
    /// </summary>
    public double CpuSeconds()
    {
        static long[]? Stat(string path)
        {
            try
            {
                var stat = File.ReadAllText(path);
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After the command name: ppid is field 1, utime/stime 11/12, cutime/cstime 13/14 (USER_HZ = 100).
                return [long.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[11], CultureInfo.InvariantCulture), long.Parse(fields[12], CultureInfo.InvariantCulture),
                    long.Parse(fields[13], CultureInfo.InvariantCulture), long.Parse(fields[14], CultureInfo.InvariantCulture)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(_dir, "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            if (Stat($"/proc/{postmaster}/stat") is not { } own)
            {
                return 0;
            }

            long ticks = own[1] + own[2] + own[3] + own[4];
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out _) && Stat(Path.Combine(dir, "stat")) is { } child && child[0] == postmaster)
                {
                    ticks += child[1] + child[2];
                }
            }

            return ticks / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>What the database did since <see cref="ResetAsync"/> (statements of <paramref name="database"/>, WAL of the cluster).</summary>
    public async Task<DbWork> MeasureAsync(string database, string walStart, long images)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync().ConfigureAwait(false);
        long wal;
        await using (var command = new NpgsqlCommand($"SELECT (pg_current_wal_lsn() - '{walStart}'::pg_lsn)::bigint", connection))
        {
            wal = (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        }

        // The measuring connection's own statements (this one, the reset) are left out by their text.
        var statements = new List<DbStatement>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT s.query, s.calls, s.rows, s.total_exec_time, s.toplevel
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_statements%' AND s.query NOT LIKE '%pg_current_wal_lsn%'
            ORDER BY s.calls DESC
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                statements.Add(new DbStatement(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetBoolean(4)));
            }
        }

        static bool Starts(DbStatement s, string verb) => s.Query.TrimStart().StartsWith(verb, StringComparison.OrdinalIgnoreCase);
        var top = statements.Where(s => s.TopLevel).ToList();
        var calls = top.Sum(s => s.Calls);
        var nested = statements.Where(s => !s.TopLevel).Sum(s => s.Calls);
        var begins = top.Where(s => Starts(s, "BEGIN")).Sum(s => s.Calls);
        var commits = top.Where(s => Starts(s, "COMMIT")).Sum(s => s.Calls);
        var resets = top.Where(s => ResetStatements.Contains(s.Query.Trim())).Sum(s => s.Calls);
        var written = top.Where(s => Starts(s, "INSERT") || Starts(s, "UPDATE") || Starts(s, "DELETE") || (Starts(s, "WITH") && (s.Query.Contains("UPDATE", StringComparison.OrdinalIgnoreCase) || s.Query.Contains("INSERT", StringComparison.OrdinalIgnoreCase))))
            .Sum(s => s.Rows);
        double Per(double v) => images > 0 ? Math.Round(v / images, 2) : 0;
        return new DbWork(
            images,
            calls,
            Per(calls),
            Per(calls - begins - resets),
            Per(top.Where(s => s.Query.Trim() is "DISCARD ALL" or "SET SESSION AUTHORIZATION DEFAULT").Sum(s => s.Calls)),
            Per(commits),
            Per(nested),
            Per(written),
            Per(wal),
            wal,
            Math.Round(top.Sum(s => s.TotalMs), 1),
            Per((CpuSeconds() - _cpuStart) * 1000),
            [.. statements.Where(s => !ResetStatements.Contains(s.Query.Trim())).Take(18).Select(s => s with { Query = Probe.Squash(s.Query, 150), TotalMs = Math.Round(s.TotalMs, 1) })]);
    }

    /// <summary>
    /// After the gateways stopped (their server processes flush their statistics when they exit): transactions,
    /// tuples and WAL flushes since <see cref="ResetAsync"/>, per image.
    /// </summary>
    public async Task<DbWork> CompleteAsync(string database, DbWork work)
    {
        await Task.Delay(500).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT d.xact_commit, d.xact_rollback, d.tup_inserted + d.tup_updated + d.tup_deleted, w.wal_records, w.wal_fpi, w.wal_sync
            FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()
            """, connection);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        double Per(long v) => work.Images > 0 ? Math.Round((double)v / work.Images, 2) : 0;
        return work with
        {
            TransactionsPerImage = Per(reader.GetInt64(0)),
            RollbacksPerImage = Per(reader.GetInt64(1)),
            TuplesWrittenPerImage = Per(reader.GetInt64(2)),
            WalRecordsPerImage = Per(reader.GetInt64(3)),
            WalFullPagesPerImage = Per(reader.GetInt64(4)),
            WalSyncsPerImage = Per(reader.GetInt64(5)),
        };
    }

    /// <summary>What Npgsql sends, in one go and ahead of the next statement, when a pooled connection that holds prepared statements is reused.</summary>
    private static readonly HashSet<string> ResetStatements = new(StringComparer.OrdinalIgnoreCase)
    {
        "DISCARD ALL", "SET SESSION AUTHORIZATION DEFAULT", "RESET ALL", "CLOSE ALL", "UNLISTEN *", "SELECT pg_advisory_unlock_all()", "DISCARD SEQUENCES", "DISCARD TEMP",
    };

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(_dir, "data", "postmaster.pid")))
        {
            await RunAsync("pg_ctl", $"-D {_dir}/data -m fast -w -t 30 stop", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task<(int Code, string Output)> RunAsync(string tool, string arguments, TimeSpan timeout)
    {
        var exe = Path.Combine(_bin, tool);
        return _as.Length == 0
            ? Systems.RunAsync(exe, arguments, _work, timeout)
            : Systems.RunAsync("runuser", string.Join(' ', _as) + " " + exe + " " + arguments, _work, timeout);
    }
}

/// <summary>One statement's counters from pg_stat_statements.</summary>
internal sealed record DbStatement(string Query, long Calls, long Rows, double TotalMs, bool TopLevel);

/// <summary>
/// The database work of a task batch on PostgreSQL, per image. From pg_stat_statements (track=all): statements the
/// gateways sent (top level; BEGIN, COMMIT and the pool's reset statements included), round trips (those less the
/// BEGINs and resets, which Npgsql sends in the same packet as the next statement; batches would count once more
/// each), pool reuses, explicit COMMITs, statements run inside the server (foreign-key checks), rows written by
/// INSERT/UPDATE/DELETE. WAL bytes: pg_current_wal_lsn difference. After the gateways stopped: transactions
/// (xact_commit, autocommit statements included), tuples written (pg_stat_database), WAL records, full-page images
/// and syncs (pg_stat_wal: the fsyncs commits waited for, fewer than commits when they group).
/// </summary>
internal sealed record DbWork(
    long Images,
    long Statements,
    double StatementsPerImage,
    double RoundTripsPerImage,
    double PoolReusesPerImage,
    double CommitStatementsPerImage,
    double NestedStatementsPerImage,
    double RowsWrittenPerImage,
    double WalBytesPerImage,
    long WalBytes,
    double ServerExecMs,
    double ServerCpuMsPerImage,
    DbStatement[] Top)
{
    public double? TransactionsPerImage { get; init; }

    public double? RollbacksPerImage { get; init; }

    public double? TuplesWrittenPerImage { get; init; }

    public double? WalRecordsPerImage { get; init; }

    public double? WalFullPagesPerImage { get; init; }

    public double? WalSyncsPerImage { get; init; }

    public string Describe()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"database work per image: {StatementsPerImage:0.0} statements (~{RoundTripsPerImage:0.0} round trips, {PoolReusesPerImage:0.0} pool reuses, {CommitStatementsPerImage:0.00} COMMITs; "
            + $"+{NestedStatementsPerImage:0.0} FK checks inside the server), {RowsWrittenPerImage:0.0} rows written, {WalBytesPerImage:0} WAL bytes; "
            + $"{TransactionsPerImage:0.00} transactions, {RollbacksPerImage:0.00} rollbacks, {TuplesWrittenPerImage:0.0} tuples written, {WalRecordsPerImage:0.0} WAL records, "
            + $"{WalFullPagesPerImage:0.00} full-page images, {WalSyncsPerImage:0.00} WAL fsyncs; PostgreSQL CPU {ServerCpuMsPerImage:0.00} ms/image "
            + $"({Statements} statements, {WalBytes / 1048576.0:0.0} MB WAL, {ServerExecMs / 1000:0.00} s server execution for {Images} images)"));
        foreach (var s in Top)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n      {(Images > 0 ? (double)s.Calls / Images : 0),6:0.00}/img  rows {(Images > 0 ? (double)s.Rows / Images : 0),5:0.00}/img  {s.TotalMs,8:0.0} ms {(s.TopLevel ? " " : "*")} {s.Query}");
        }

        return text.ToString();
    }
}

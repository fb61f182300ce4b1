using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Postgres;
using Npgsql;

namespace Nanogate.IntegrationTests.Postgres;

public sealed class DatabaseClockTests
{
    [PostgresFact]
    public async Task The_system_clock_is_replaced_by_the_database_clock_and_it_reads_the_server_time()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var process = database.NewProcess();
        var time = process.GetRequiredService<TimeProvider>();
        var clock = Assert.IsType<DatabaseClock>(time);
        await process.GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);

        // Same machine: the measured offset is tiny, and the clock agrees with clock_timestamp() within a round trip.
        Assert.True(Math.Abs(clock.Offset.TotalMilliseconds) < 250, $"offset {clock.Offset}");
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        var before = time.GetUtcNow().ToUnixTimeMilliseconds();
        var server = await connection.ExecuteScalarAsync<long>("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
        var after = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.InRange(server, before - 50, after + 50);
    }

    [PostgresFact]
    public async Task A_clock_of_the_callers_own_is_kept()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var fixedClock = new FixedClock();
        var process = database.NewProcess(s => s.AddSingleton<TimeProvider>(fixedClock));
        Assert.Same(fixedClock, process.GetRequiredService<TimeProvider>());

        var before = new ServiceCollection().AddSingleton<TimeProvider>(fixedClock);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
        }).Build();
        await using var registeredFirst = before.AddNanogateStorage(configuration).BuildServiceProvider();
        Assert.Same(fixedClock, registeredFirst.GetRequiredService<TimeProvider>());
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    }
}

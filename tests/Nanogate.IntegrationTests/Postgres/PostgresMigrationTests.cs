using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Npgsql;

namespace Nanogate.IntegrationTests.Postgres;

public sealed class PostgresMigrationTests
{
    [PostgresFact]
    public async Task Ten_processes_migrating_a_fresh_database_at_once_apply_each_migration_once()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var processes = Enumerable.Range(0, 10).Select(_ => database.NewProcess()).ToList();
        using var start = new ManualResetEventSlim();
        var migrations = processes.Select(p => Task.Run(async () =>
        {
            start.Wait();
            await p.GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);
        })).ToList();
        start.Set();
        await Task.WhenAll(migrations);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        var versions = (await connection.QueryAsync<(string Version, long Count)>("SELECT version, count(*) FROM schema_migrations GROUP BY version")).ToList();
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.Equal(1, v.Count));
        Assert.Contains(versions, v => v.Version == "0001_initial");

        // The schema works from every process, and a second round of migrations is a no-op.
        await processes[3].GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);
        var account = await processes[7].GetRequiredService<IAccountStore>().CreateAccountAsync("after", 10, CancellationToken.None);
        Assert.Equal(10, (await processes[0].GetRequiredService<IAccountStore>().GetAccountAsync(account.Id, CancellationToken.None))!.CreditsAvailable);
        Assert.Equal(versions.Count, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [PostgresFact]
    public async Task Location_names_host_port_and_database_but_never_the_password()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = "s3cret-pw" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = builder.ConnectionString,
        }).Build();
        await using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddNanogateStorage(configuration).BuildServiceProvider();
        var location = services.GetRequiredService<IStorage>().Location;
        Assert.Contains(database.Name, location, StringComparison.Ordinal);
        Assert.Contains(builder.Host!, location, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", location, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Processes_starting_together_agree_on_one_setting_value()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        await database.NewProcess().GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);
        var stores = Enumerable.Range(0, 8).Select(_ => database.NewProcess().GetRequiredService<IAccountStore>()).ToList();
        for (var round = 0; round < 5; round++)
        {
            var key = "race_" + round;
            var values = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.GetOrAddSettingAsync(key, "candidate-" + i, CancellationToken.None))));
            Assert.Single(values.Distinct());
            Assert.Equal(values[0], await stores[0].GetSettingAsync(key, CancellationToken.None));
        }
    }
}

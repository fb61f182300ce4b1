using Microsoft.Extensions.DependencyInjection;
using Nanogate.Storage;

namespace Nanogate.IntegrationTests.Infrastructure;

public sealed class TestStorageTests
{
    [Fact]
    public async Task Test_servers_run_on_the_provider_the_environment_asks_for()
    {
        await using var server = await NanogateServer.StartAsync();
        var location = server.Services.GetRequiredService<IStorage>().Location;
        if (TestStorage.OnPostgres)
        {
            Assert.StartsWith("postgres://", location, StringComparison.Ordinal);
            Assert.IsType<TimeProvider>(server.Services.GetRequiredService<TimeProvider>(), exactMatch: false);
            Assert.Equal("DatabaseClock", server.Services.GetRequiredService<TimeProvider>().GetType().Name);
        }
        else
        {
            Assert.EndsWith("nanogate.db", location, StringComparison.Ordinal);
        }
    }
}

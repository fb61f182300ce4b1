using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Operations;

/// <summary>
/// <c>/readyz</c> says not ready while the database cannot take a write (a read would still succeed) or the media
/// store cannot be written, and ready again once they can, in its documented shape.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_is_503_while_another_writer_holds_the_sqlite_database_and_ready_once_it_lets_go()
    {
        var data = Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"));
        await using var server = await NanogateServer.StartAsync("Storage:Provider=sqlite", $"Storage:DataDirectory={data}");
        var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("""{"status":"ready"}""", await ready.Content.ReadAsStringAsync());

        await using (var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "nanogate.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            using (var hold = blocker.CreateCommand())
            {
                hold.CommandText = "BEGIN IMMEDIATE"; // the write lock: reads go on, no write can commit
                await hold.ExecuteNonQueryAsync();
            }

            // A read still works: the old ping said ready here.
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/models")).StatusCode);
            var locked = await server.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, locked.StatusCode);
            var body = (await locked.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("unavailable", body["status"]!.GetValue<string>());
            Assert.Equal("database not writable", body["reason"]!.GetValue<string>());

            using var release = blocker.CreateCommand();
            release.CommandText = "ROLLBACK";
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
        Directory.Delete(data, recursive: true);
    }

    [SmallFilesystemFact]
    public async Task Readyz_is_503_naming_the_media_store_while_its_folder_is_read_only()
    {
        await using var fs = await SmallFilesystem.MountAsync();
        await using var server = await NanogateServer.StartAsync($"Media:Directory={fs.Path}");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);

        await fs.SetReadOnlyAsync(true);
        var notReady = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("""{"status":"unavailable","reason":"media store not writable"}""", await notReady.Content.ReadAsStringAsync());

        await fs.SetReadOnlyAsync(false);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Readyz_stays_ready_with_a_warning_while_no_upstream_channel_is_enabled()
    {
        await using var server = await NanogateServer.StartAsync();
        Assert.Equal("""{"status":"ready"}""", await server.Client.GetStringAsync("/readyz"));

        (await server.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false })).EnsureSuccessStatusCode();
        var degraded = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
        var body = (await degraded.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ready", body["status"]!.GetValue<string>());
        Assert.Null(body["reason"]);
        Assert.Contains("no upstream channel is enabled", Assert.Single(body["warnings"]!.AsArray())!.GetValue<string>(), StringComparison.Ordinal);

        (await server.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = true })).EnsureSuccessStatusCode();
        Assert.Equal("""{"status":"ready"}""", await server.Client.GetStringAsync("/readyz"));
    }
}

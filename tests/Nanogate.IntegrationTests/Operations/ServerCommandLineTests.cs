using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Nanogate.Hosting.Commands;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.ScaleOut;
using Nanogate.Storage;

namespace Nanogate.IntegrationTests.Operations;

/// <summary>
/// The server program's operator commands against a real database (SQLite, or PostgreSQL with
/// <c>NANOGATE_TEST_STORAGE=postgres</c>), run in-process through the same entry point as the program, and the start
/// failures through the real program.
/// </summary>
public sealed class ServerCommandLineTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ng-cli-" + Guid.NewGuid().ToString("N")[..8]);
    private IReadOnlyList<string> _settings = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _settings = (await TestStorage.SettingsAsync(Path.Combine(_dir, "data"))).Select(s => "--" + s).ToList();
    }

    public async Task DisposeAsync()
    {
        await TestStorage.DropAsync(Path.Combine(_dir, "data"));
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Accounts_keys_and_credits_commands_change_the_database_the_server_uses()
    {
        var created = await RunAsync("accounts", "create", "Acme Ltd", "--credits", "500", "--json");
        Assert.Equal(0, created.Code);
        var accountId = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;
        Assert.Equal(500, JsonDocument.Parse(created.Output).RootElement.GetProperty("credits").GetProperty("available").GetInt64());

        var list = await RunAsync("accounts", "list");
        Assert.Equal(0, list.Code);
        Assert.Contains(accountId, list.Output, StringComparison.Ordinal);
        Assert.Contains("Acme Ltd", list.Output, StringComparison.Ordinal);

        var topUp = await RunAsync("credits", "add", accountId, "250", "--note", "invoice 7", "--json");
        Assert.Equal(0, topUp.Code);
        var credits = JsonDocument.Parse(topUp.Output).RootElement.GetProperty("credits");
        Assert.Equal(750, credits.GetProperty("available").GetInt64());
        Assert.Equal(750, credits.GetProperty("topped_up").GetInt64());

        var key = await RunAsync("keys", "create", accountId, "--name", "ci", "--json");
        Assert.Equal(0, key.Code);
        var keyJson = JsonDocument.Parse(key.Output).RootElement;
        var secret = keyJson.GetProperty("key").GetString()!;
        var keyId = keyJson.GetProperty("id").GetString()!;
        Assert.StartsWith("sk-", secret, StringComparison.Ordinal);

        // The key works against a real server on the same data, with the credits the commands gave.
        await using (var server = await NanogateServer.StartAsync($"Storage:DataDirectory={Path.Combine(_dir, "data")}"))
        {
            var account = await GetAsync(server.BaseAddress, "/v1/account", secret);
            Assert.Equal(System.Net.HttpStatusCode.OK, account.Status);
            Assert.Contains("750", account.Body, StringComparison.Ordinal);
        }

        var revoked = await RunAsync("keys", "revoke", keyId);
        Assert.Equal(0, revoked.Code);
        var keys = await RunAsync("keys", "list", accountId);
        Assert.Contains("revoked", keys.Output, StringComparison.Ordinal);

        // Each change is in the audit log, by the command line (actor "cli", no address), and no key is kept in it.
        await using (var server = await NanogateServer.StartAsync($"Storage:DataDirectory={Path.Combine(_dir, "data")}"))
        {
            var audit = System.Text.Json.Nodes.JsonNode.Parse(await server.Admin.GetStringAsync("/admin/v1/audit"))!["data"]!.AsArray();
            var cli = audit.Where(e => e!["actor"]!.GetValue<string>() == "cli").ToList();
            Assert.Equal(["key.revoke", "key.create", "credits.top_up", "account.create"], cli.Select(e => e!["action"]!.GetValue<string>()));
            Assert.Equal(keyId, cli[0]!["target"]!.GetValue<string>());
            Assert.Equal(250, cli[2]!["detail"]!["credits"]!.GetValue<long>());
            Assert.All(cli, e => Assert.Null(e!["ip"]));
            Assert.DoesNotContain(secret, audit.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_input_gets_one_line_and_a_distinct_exit_code()
    {
        var negative = await RunAsync("credits", "add", "acct_x", "0");
        Assert.Equal(ExitCodes.Usage, negative.Code);
        Assert.Equal("credits add: the amount must be a positive whole number, at most 1000000000000000.", negative.Error.Trim());

        var unknown = await RunAsync("credits", "show", "acct_missing");
        Assert.Equal(ExitCodes.Failed, unknown.Code);
        Assert.Contains("there is no account acct_missing", unknown.Error, StringComparison.Ordinal);

        var command = await RunAsync("frobnicate");
        Assert.Equal(ExitCodes.Usage, command.Code);
        Assert.Contains("frobnicate", command.Error, StringComparison.Ordinal);

        var badValue = await RunAsync("check-config", "--Tasks:LeaseSeconds=abc");
        Assert.Equal(ExitCodes.Configuration, badValue.Code);
        Assert.Contains("'abc' at 'Tasks:LeaseSeconds'", badValue.Error, StringComparison.Ordinal);

        var badRule = await RunAsync("check-config", "--Tasks:HeartbeatSeconds=100");
        Assert.Equal(ExitCodes.Configuration, badRule.Code);
        Assert.Contains("Tasks:HeartbeatSeconds must be less than Tasks:LeaseSeconds", badRule.Error, StringComparison.Ordinal);

        var badUrl = await RunAsync("check-config", "--Upstreams:Gemini:BaseUrl=notaurl");
        Assert.Equal(ExitCodes.Configuration, badUrl.Code);
        Assert.Contains("Upstreams:Gemini:BaseUrl must be an absolute http(s) URL", badUrl.Error, StringComparison.Ordinal);

        foreach (var result in new[] { negative, unknown, badValue, badRule, badUrl })
        {
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public async Task Check_config_migrate_and_purge_media_report_what_they_did()
    {
        var check = await RunAsync("check-config");
        Assert.Equal(0, check.Code);
        Assert.Contains("Configuration: valid", check.Output, StringComparison.Ordinal);
        Assert.Contains(": writable", check.Output, StringComparison.Ordinal);

        var migrate = await RunAsync("migrate");
        Assert.Equal(0, migrate.Code);
        Assert.Contains("is up to date", migrate.Output, StringComparison.Ordinal);

        // An orphaned media file (bytes, no row) older than the grace period goes; a young one stays.
        var media = Path.Combine(_dir, "data", "media", "ab");
        Directory.CreateDirectory(media);
        var old = Path.Combine(media, "med_orphanold");
        var young = Path.Combine(media, "med_orphanyoung");
        await File.WriteAllBytesAsync(old, [1, 2, 3]);
        await File.WriteAllBytesAsync(young, [1, 2, 3]);
        File.SetLastWriteTimeUtc(old, DateTime.UnixEpoch.AddYears(50));
        var purge = await RunAsync("purge-media");
        Assert.Equal(0, purge.Code);
        Assert.Contains("1 orphaned file(s)", purge.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(young));
    }

    [Fact]
    public async Task Reset_admin_key_replaces_the_stored_key()
    {
        Assert.Equal(0, (await RunAsync("migrate")).Code);
        var reset = await RunAsync("reset-admin-key");
        Assert.Equal(0, reset.Code);
        var key = reset.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("sk-admin-", StringComparison.Ordinal));

        await using (var connection = await TestStorage.OpenAsync(Path.Combine(_dir, "data")))
        {
            var stored = await connection.QuerySingleAsync<string>("SELECT value FROM settings WHERE key = 'admin_key_hash'");
            Assert.Equal(Ids.HashKey(key), stored);
        }

        // A server started on the data afterwards takes the new key (and no other).
        await using (var app = NanogateApp.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. _settings]))
        {
            await app.StartAsync();
            var address = new Uri(app.Urls.First());
            Assert.Equal(System.Net.HttpStatusCode.OK, (await GetAsync(address, "/admin/v1/accounts", key)).Status);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await GetAsync(address, "/admin/v1/accounts", key + "x")).Status);
            await app.StopAsync();
        }

        var pinned = await RunAsync("reset-admin-key", "--Admin:ApiKey=sk-admin-configured");
        Assert.Equal(ExitCodes.Configuration, pinned.Code);
        Assert.Contains("Admin:ApiKey", pinned.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_then_restore_brings_the_database_media_and_key_ring_back()
    {
        var created = await RunAsync("accounts", "create", "Before", "--credits", "100", "--json");
        var accountId = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;
        var media = Path.Combine(_dir, "data", "media", "cd");
        Directory.CreateDirectory(media);
        await File.WriteAllBytesAsync(Path.Combine(media, "med_kept"), [9, 8, 7, 6]);
        var keys = Path.Combine(_dir, "data", "keys");
        Directory.CreateDirectory(keys);
        await File.WriteAllTextAsync(Path.Combine(keys, "key-1.xml"), "<key/>");

        var backupDir = Path.Combine(_dir, "backup");
        var backup = await RunAsync("backup", "--to", backupDir);
        if (TestStorage.OnPostgres)
        {
            Assert.Equal(ExitCodes.Failed, backup.Code);
            Assert.Contains("pg_dump", backup.Error, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(0, backup.Code);
        Assert.True(File.Exists(Path.Combine(backupDir, "nanogate.db")));
        Assert.True(File.Exists(Path.Combine(backupDir, BackupCommand.ManifestName)));
        Assert.Equal([9, 8, 7, 6], await File.ReadAllBytesAsync(Path.Combine(backupDir, "media", "cd", "med_kept")));
        Assert.Equal(ExitCodes.Usage, (await RunAsync("backup", "--to", backupDir)).Code);

        // Changes after the backup, and a lost media file and key ring.
        Assert.Equal(0, (await RunAsync("credits", "add", accountId, "900")).Code);
        Assert.Equal(0, (await RunAsync("accounts", "create", "After")).Code);
        Directory.Delete(Path.Combine(_dir, "data", "media"), recursive: true);
        Directory.Delete(keys, recursive: true);

        var refused = await RunAsync("restore", "--from", backupDir);
        Assert.Equal(ExitCodes.Usage, refused.Code);
        Assert.Contains("--force", refused.Error, StringComparison.Ordinal);

        var restore = await RunAsync("restore", "--from", backupDir, "--force");
        Assert.Equal(0, restore.Code);
        var list = await RunAsync("accounts", "list", "--json");
        var accounts = JsonDocument.Parse(list.Output).RootElement.EnumerateArray().ToList();
        var only = Assert.Single(accounts);
        Assert.Equal("Before", only.GetProperty("name").GetString());
        Assert.Equal(100, only.GetProperty("credits").GetProperty("available").GetInt64());
        Assert.Equal([9, 8, 7, 6], await File.ReadAllBytesAsync(Path.Combine(media, "med_kept")));
        Assert.Equal("<key/>", await File.ReadAllTextAsync(Path.Combine(keys, "key-1.xml")));

        var noBackup = await RunAsync("restore", "--from", _dir);
        Assert.Equal(ExitCodes.Usage, noBackup.Code);
    }

    [Fact]
    public async Task Help_prints_the_commands_without_starting_a_server()
    {
        var help = await RunAsync("--help");
        Assert.Equal(0, help.Code);
        foreach (var command in new[] { "serve", "check-config", "migrate", "reset-admin-key", "accounts", "keys", "credits", "backup", "restore", "purge-media", "copy-storage" })
        {
            Assert.Contains(command, help.Output, StringComparison.Ordinal);
        }

        // Nothing was created: no server ran, no database was opened.
        Assert.False(Directory.Exists(Path.Combine(_dir, "data", "media")));
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_exit_code_4_from_the_real_program()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir };
        info.ArgumentList.Add(NanogateProcess.ServerDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var setting in _settings)
        {
            info.ArgumentList.Add(setting);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(ExitCodes.CannotListen, process.ExitCode);
        var error = await stderr;
        Assert.Contains($"Nanogate cannot start: cannot listen on http://127.0.0.1:{port}: the port is already in use", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + await stdout, StringComparison.Ordinal);
    }

    private static async Task<(System.Net.HttpStatusCode Status, string Body)> GetAsync(Uri server, string path, string key)
    {
        using var client = new HttpClient { BaseAddress = server };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ServerCommandLine.RunAsync([.. args, .. _settings], output, error);
        return (code, output.ToString(), error.ToString());
    }
}

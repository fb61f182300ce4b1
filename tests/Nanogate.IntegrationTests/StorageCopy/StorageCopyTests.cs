using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Hosting.Commands;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Media;
using Nanogate.IntegrationTests.Postgres;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Storage;
using Nanogate.Storage.Tasks;
using Npgsql;
using Xunit.Abstractions;

namespace Nanogate.IntegrationTests.StorageCopy;

/// <summary>
/// <c>copy-storage</c>: a SQLite install populated through the real server, copied into a fresh PostgreSQL database and
/// a media store, then served by a server on PostgreSQL as if nothing had moved.
/// </summary>
public sealed class StorageCopyTests(ITestOutputHelper log) : IAsyncDisposable
{
    private readonly List<string> _folders = [];

    [PostgresFact]
    public async Task A_copied_install_serves_the_same_keys_balances_tasks_and_image_bytes_on_postgres()
    {
        var source = await PopulateSqliteInstallAsync();
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var media = NewFolder();

        var (code, output, error) = await RunInProcessAsync("--from-sqlite", source.DataDirectory, "--to-postgres", database.ConnectionString, $"--Media:Directory={media}");
        Assert.True(code == 0, error);
        log.WriteLine(output);
        Assert.Contains("Committed.", output, StringComparison.Ordinal);
        Assert.Matches(@"ledger_entries\s+\d+\s+\d+", output);
        Assert.Contains("Media: 3 copied, 0 already there", output, StringComparison.Ordinal);

        await using (var server = await StartOnPostgresAsync(database.ConnectionString, media))
        {
            await AssertServesTheSameAsync(server, source);

            // New rows continue after the copied ones (identity sequences moved past them): a top-up and a new task work.
            Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{source.AccountId}/credits", new { credits = 7 })).StatusCode);
            using var client = KeyClient(server, source.Key);
            var accepted = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "after the move" });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>());
            Assert.Equal("succeeded", task["status"]!.GetValue<string>());
            var list = await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks"));
            Assert.Equal(task["task_id"]!.GetValue<string>(), list["data"]![0]!["task_id"]!.GetValue<string>()); // newest first, after the copied ones
            await server.AssertLedgerConsistentAsync(source.AccountId);
        }

        // A second copy into the now non-empty database is refused and changes nothing.
        var again = await RunInProcessAsync("--from-sqlite", source.DataDirectory, "--to-postgres", database.ConnectionString, $"--Media:Directory={media}");
        Assert.Equal(1, again.Code);
        Assert.Contains("is not empty", again.Error, StringComparison.Ordinal);
        Assert.Single(again.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [PostgresFact]
    public async Task The_real_process_copies_and_its_failures_are_one_line_without_a_password_or_a_stack_trace()
    {
        var source = await PopulateSqliteInstallAsync();
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var media = NewFolder();

        var help = await RunProcessAsync(["copy-storage", "--help"]);
        Assert.Equal(0, help.Code);
        Assert.Contains("--from-sqlite <dataDir>", help.Output, StringComparison.Ordinal);

        var usage = await RunProcessAsync(["copy-storage", "--to-postgres", database.ConnectionString]);
        Assert.Equal(2, usage.Code);
        Assert.Contains("Option '--from-sqlite' is required.", usage.Error, StringComparison.Ordinal);

        var secret = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = 1, Password = "s3cret-pw", Timeout = 2 }.ConnectionString;
        var unreachable = await RunProcessAsync(["copy-storage", "--from-sqlite", source.DataDirectory, "--to-postgres", secret, $"--Media:Directory={media}"]);
        Assert.Equal(1, unreachable.Code);
        Assert.Single(unreachable.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("s3cret-pw", unreachable.Output + unreachable.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unreachable.Error, StringComparison.Ordinal);

        // The connection string from configuration (environment), as a deployment would give it.
        var copied = await RunProcessAsync(
            ["copy-storage", "--from-sqlite", source.DataDirectory, $"--DataProtection:KeysDirectory={KeyRing}"],
            new() { ["ConnectionStrings__Postgres"] = database.ConnectionString, ["Media__Directory"] = media });
        Assert.True(copied.Code == 0, copied.Error);
        Assert.Contains("Committed.", copied.Output, StringComparison.Ordinal);

        await using var server = await StartOnPostgresAsync(database.ConnectionString, media);
        await AssertServesTheSameAsync(server, source);
    }

    [PostgresFact]
    public async Task Unfinished_tasks_arrive_counted_in_the_targets_queue_depth()
    {
        // The queue depth lives in a table the database's triggers keep: the copy leaves it out, and the target's
        // triggers count the unfinished tasks as they arrive.
        var dataDirectory = NewFolder();
        string alpha, beta;
        await using (var sqlite = await StoreInstance.StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "sqlite", ["Storage:DataDirectory"] = dataDirectory }))
        {
            alpha = (await sqlite.Accounts.CreateAccountAsync("alpha", 1000, CancellationToken.None)).Id;
            beta = (await sqlite.Accounts.CreateAccountAsync("beta", 1000, CancellationToken.None)).Id;
            var tasks = new List<string>();
            foreach (var (account, n) in new[] { (alpha, 3), (alpha, 1), (beta, 2), (beta, 4) })
            {
                var id = Nanogate.Storage.Ids.New("task_");
                Assert.NotNull(await sqlite.Tasks.CreateAsync(new NewTask(id, account, "gemini-3.1-flash-lite-image", """{"prompt":"p"}""", "req_x", "http://h", n, 10, null, null, null), 1_800_000_000_000, CancellationToken.None));
                tasks.Add(id);
            }

            Assert.True((await sqlite.Tasks.CancelAsync(beta, tasks[3], 1_800_000_000_001, CancellationToken.None)).Ended);
            Assert.Equal(new QueueDepth(4, 6), await sqlite.Tasks.QueueDepthAsync(alpha, CancellationToken.None));
        }

        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var (code, output, error) = await RunInProcessAsync("--from-sqlite", dataDirectory, "--to-postgres", database.ConnectionString, $"--Media:Directory={NewFolder()}");
        Assert.True(code == 0, error);
        Assert.Contains("Committed.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("task_queue_depth", output, StringComparison.Ordinal);

        await using var postgres = await StoreInstance.StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "postgres", ["ConnectionStrings:Postgres"] = database.ConnectionString });
        Assert.Equal(new QueueDepth(4, 6), await postgres.Tasks.QueueDepthAsync(alpha, CancellationToken.None));
        Assert.Equal(new QueueDepth(2, 6), await postgres.Tasks.QueueDepthAsync(beta, CancellationToken.None));
    }

    [PostgresFact]
    public async Task A_media_copy_that_stopped_half_way_resumes_and_a_missing_image_fails_the_copy_with_nothing_committed()
    {
        var source = await PopulateSqliteInstallAsync();
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var media = NewFolder();

        // Of the three images, one already in the target (as a run that failed after copying it would leave), one cut
        // short, one not there yet.
        var files = Directory.GetFiles(Path.Combine(source.DataDirectory, "media"), "med_*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        Copy(files[0], media, File.ReadAllBytes(files[0]));
        Copy(files[1], media, File.ReadAllBytes(files[1])[..10]);

        // Bytes of an unexpired image missing from the source: refused before the database is touched.
        var moved = files[1] + ".away";
        File.Move(files[1], moved);
        var missing = await RunInProcessAsync("--from-sqlite", source.DataDirectory, "--to-postgres", database.ConnectionString, $"--Media:Directory={media}");
        Assert.Equal(1, missing.Code);
        Assert.Contains($"image {Path.GetFileName(files[1])} has not expired but its bytes are not in", missing.Error, StringComparison.Ordinal);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM accounts"));
        }

        File.Move(moved, files[1]);
        var resumed = await RunInProcessAsync("--from-sqlite", source.DataDirectory, "--to-postgres", database.ConnectionString, $"--Media:Directory={media}");
        Assert.True(resumed.Code == 0, resumed.Error);
        // The failed run had copied the image that was not there yet; only the one cut short is left to write.
        Assert.Contains("Media: 1 copied, 2 already there", resumed.Output, StringComparison.Ordinal);

        await using var server = await StartOnPostgresAsync(database.ConnectionString, media);
        await AssertServesTheSameAsync(server, source);
    }

    [PostgresFact]
    public async Task A_copy_that_does_not_match_its_source_is_reported_and_rolled_back()
    {
        var source = await PopulateSqliteInstallAsync();
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        await database.NewProcess().GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);

        // A target that silently drops the top-ups of one account (COPY fires row triggers): the counts and that
        // account's ledger sums then differ from the source's.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.ExecuteAsync($$"""
                CREATE FUNCTION drop_topups() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                    IF NEW.kind = 'topup' AND NEW.account_id = '{{source.OtherAccountId}}' THEN RETURN NULL; END IF;
                    RETURN NEW;
                END $f$;
                CREATE TRIGGER drop_topups BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION drop_topups();
                """);
        }

        var result = await RunInProcessAsync("--from-sqlite", source.DataDirectory, "--to-postgres", database.ConnectionString, $"--Media:Directory={NewFolder()}");
        Assert.Equal(1, result.Code);
        Assert.Matches(@"ledger_entries\s+\d+\s+\d+\s+differs", result.Output);
        Assert.Contains("Table ledger_entries:", result.Error, StringComparison.Ordinal);
        Assert.Contains($"Account {source.OtherAccountId} differs: source available", result.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was committed.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Committed.", result.Output, StringComparison.Ordinal);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM accounts"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tasks"));
        }
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_what_to_fix_and_help_exits_0()
    {
        var missing = await RunInProcessAsync("--to-postgres", "Host=nowhere");
        Assert.Equal(2, missing.Code);
        Assert.Contains("Option '--from-sqlite' is required.", missing.Error, StringComparison.Ordinal);
        Assert.Empty(missing.Output);

        var unknown = await RunInProcessAsync("--from-sqlite", "x", "--to-sqlite", "y");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("'--to-sqlite'", unknown.Error, StringComparison.Ordinal);

        var noValue = await RunInProcessAsync("--from-sqlite");
        Assert.Equal(2, noValue.Code);
        Assert.Contains("--from-sqlite", noValue.Error, StringComparison.Ordinal);

        var blank = await RunInProcessAsync("--from-sqlite", " ");
        Assert.Equal(2, blank.Code);
        Assert.Contains("--from-sqlite needs a value.", blank.Error, StringComparison.Ordinal);

        var help = await RunInProcessAsync("--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("copy-storage [options]", help.Output, StringComparison.Ordinal);
        foreach (var option in new[] { "--from-sqlite <dataDir>", "--to-postgres <connection string>", "--from-media <dir>" })
        {
            Assert.Contains(option, help.Output, StringComparison.Ordinal);
        }

        Assert.Empty(help.Error);
    }

    [PostgresFact]
    public async Task The_source_must_be_a_nanogate_install()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var empty = NewFolder();
        var result = await RunInProcessAsync("--from-sqlite", empty, "--to-postgres", database.ConnectionString);
        Assert.Equal(1, result.Code);
        Assert.Contains("There is no Nanogate database at", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(empty, "nanogate.db")), "the copy never creates a source database");
    }

    [PostgresAndS3Fact]
    public async Task A_copy_into_an_s3_bucket_keeps_the_media_ids_and_serves_the_same_bytes()
    {
        var source = await PopulateSqliteInstallAsync();
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var prefix = S3TestServer.NewPrefix();
        var s3 = S3TestServer.Settings(prefix);
        var (code, output, error) = await RunInProcessAsync(["--from-sqlite", source.DataDirectory, "--to-postgres", database.ConnectionString, .. s3.Select(s => "--" + s)]);
        Assert.True(code == 0, error);
        Assert.Contains("Media: 3 copied", output, StringComparison.Ordinal);

        await using var server = await NanogateServer.StartAsync(
        [
            "Storage:Provider=postgres", $"ConnectionStrings:Postgres={database.ConnectionString}", $"Storage:DataDirectory={NewFolder()}", $"DataProtection:KeysDirectory={KeyRing}", .. s3,
        ]);
        await AssertServesTheSameAsync(server, source);

        // Ids from the files store carry no day, so the S3 store keeps (and finds) them under undated/.
        var bucket = server.Services.GetRequiredService<IAmazonS3>();
        var keys = (await bucket.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3TestServer.Bucket, Prefix = prefix })).S3Objects.Select(o => o.Key).ToList();
        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.StartsWith($"{prefix}undated/med_", k, StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync()
    {
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return ValueTask.CompletedTask;
    }

    private static async Task AssertServesTheSameAsync(NanogateServer server, CopiedInstall source)
    {
        using var client = KeyClient(server, source.Key);
        var task = await TaskApi.JsonAsync(await client.GetAsync($"/v1/tasks/{source.TaskId}"));
        Assert.Equal(source.Task["status"]!.GetValue<string>(), task["status"]!.GetValue<string>());
        Assert.Equal(source.Task["created_at"]!.ToJsonString(), task["created_at"]!.ToJsonString());
        Assert.Equal(Ids(source.Task), Ids(task));
        Assert.Equal(source.Balance, (await server.BalanceAsync(source.AccountId)).Available);
        Assert.Equal(source.OtherBalance, (await server.BalanceAsync(source.OtherAccountId)).Available);
        await server.AssertLedgerConsistentAsync(source.AccountId);

        // Served by the new server, byte for byte.
        for (var i = 0; i < source.Images.Count; i++)
        {
            var url = new Uri(task["images"]![i]!["url"]!.GetValue<string>());
            using var browser = new HttpClient { BaseAddress = server.BaseAddress };
            var response = await browser.GetAsync(url.PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(source.Images[i], await response.Content.ReadAsByteArrayAsync());

            // A link handed out before the move still works: the signing key came along with the settings.
            var old = new Uri(source.Task["images"]![i]!["url"]!.GetValue<string>());
            Assert.Equal(source.Images[i], await browser.GetByteArrayAsync(old.PathAndQuery));
        }

        // Idempotency keys came along: the same submit replays the first answer.
        var replay = await TaskApi.SubmitAsync(client, SubmitBody, r => r.Headers.Add("Idempotency-Key", "move-1"));
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(source.TaskId, (await TaskApi.JsonAsync(replay))["task_id"]!.GetValue<string>());

        // The stored channel came along.
        var channels = (await server.Admin.GetStringAsync("/admin/v1/channels"));
        Assert.Contains("moved-channel", channels, StringComparison.Ordinal);
    }

    private static List<string> Ids(JsonObject task) => [.. task["images"]!.AsArray().Select(i => i!["url"]!.GetValue<string>().Split('?')[0].Split('/')[^1])];

    private static readonly object SubmitBody = new
    {
        model = "nano-banana-2-lite",
        prompt = "a lighthouse to move",
        n = 2,
        callback_url = "https://hooks.example.com/nanogate?token=1",
    };

    private async Task<CopiedInstall> PopulateSqliteInstallAsync()
    {
        var dataDirectory = NewFolder();
        await using var server = await NanogateServer.StartAsync("Storage:Provider=sqlite", $"Storage:DataDirectory={dataDirectory}");
        var account = await server.CreateAccountAsync(1_000, "mover");
        var other = await server.CreateAccountAsync(300, "other");
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = 250 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PostAsJsonAsync("/admin/v1/channels", new
        {
            name = "moved-channel",
            base_url = new Uri(server.BaseAddress, "simulator").ToString(),
            api_key = "google-key-moved",
            priority = 9,
        })).StatusCode);

        using var client = account.Client();
        var accepted = await TaskApi.SubmitAsync(client, SubmitBody, r => r.Headers.Add("Idempotency-Key", "move-1"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var taskId = (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>();
        var task = await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        var images = new List<byte[]>();
        foreach (var image in task["images"]!.AsArray())
        {
            images.Add(await client.GetByteArrayAsync(image!["url"]!.GetValue<string>()));
        }

        // A task that fails to start (unknown model is refused before any row) would add nothing; a canceled one adds rows.
        using var otherClient = other.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await TaskApi.SubmitAsync(otherClient, new { model = "nano-banana-2-lite", prompt = "second account" })).StatusCode);
        var otherTasks = await TaskApi.JsonAsync(await otherClient.GetAsync("/v1/tasks"));
        await TaskApi.WaitForEndAsync(otherClient, otherTasks["data"]![0]!["task_id"]!.GetValue<string>());

        // Webhook deliveries to an unreachable host stay in the outbox (copied as they are).
        var balance = (await account.BalanceAsync()).Available;
        var otherBalance = (await other.BalanceAsync()).Available;
        return new CopiedInstall(dataDirectory, account.Id, account.Key, other.Id, taskId, task, images, balance, otherBalance);
    }

    private async Task<NanogateServer> StartOnPostgresAsync(string connectionString, string media) =>
        await NanogateServer.StartAsync("Storage:Provider=postgres", $"ConnectionStrings:Postgres={connectionString}", $"Storage:DataDirectory={NewFolder()}", $"Media:Directory={media}", $"DataProtection:KeysDirectory={KeyRing}");

    private static HttpClient KeyClient(NanogateServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static void Copy(string file, string media, byte[] bytes)
    {
        var shard = Path.GetFileName(Path.GetDirectoryName(file)!);
        Directory.CreateDirectory(Path.Combine(media, shard));
        File.WriteAllBytes(Path.Combine(media, shard, Path.GetFileName(file)), bytes);
    }

    // The target's key ring, as a real move would configure it for both the copy and the server: stored channel
    // credentials are encrypted with it, so the copy carries the source's keys there.
    private string KeyRing => _keyRing ??= NewFolder();

    private string? _keyRing;

    private async Task<(int Code, string Output, string Error)> RunInProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // Through the program's command line, as Nanogate copy-storage … runs.
        string[] withKeyRing = args.Contains("--to-postgres") ? [$"--DataProtection:KeysDirectory={KeyRing}", .. args] : args;
        var code = await ServerCommandLine.RunAsync(["copy-storage", .. withKeyRing], output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<(int Code, string Output, string Error)> RunProcessAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Nanogate.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Nanogate.slnx not found above the test folder.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(root, "src", "Nanogate", "bin", "Release", "net10.0", "Nanogate.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "nanogate-tests", "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    private sealed record CopiedInstall(
        string DataDirectory, string AccountId, string Key, string OtherAccountId, string TaskId, JsonObject Task, List<byte[]> Images, long Balance, long OtherBalance);
}

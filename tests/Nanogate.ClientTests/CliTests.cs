using System.Text.Json;
using Nanogate.Cli;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests;

/// <summary>The nanogate tool, run in-process against a real server: each command, --json, and one line and a distinct exit code per failure.</summary>
public sealed class CliTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ng-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed record Run(int ExitCode, string Out, string Error);

    private async Task<Run> RunAsync(Dictionary<string, string> variables, bool interactive, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment
        {
            Variable = name => variables.TryGetValue(name, out var value) ? value : null,
            Out = output,
            Error = error,
            Interactive = interactive,
            HomeDirectory = _folder,
        };
        var code = await CliApp.RunAsync(args, env, CancellationToken.None);
        return new Run(code, output.ToString(), error.ToString());
    }

    private async Task<(TestAccount Account, Func<string[], Task<Run>> Run)> AccountAsync(long credits = 10_000)
    {
        var account = await fixture.Server.CreateAccountAsync(credits);
        var variables = new Dictionary<string, string> { ["NANOGATE_URL"] = fixture.Server.BaseAddress.ToString(), ["NANOGATE_API_KEY"] = account.Key };
        return (account, args => RunAsync(variables, interactive: false, args));
    }

    [Fact]
    public async Task Generate_saves_n_images_of_the_ratio_into_the_output_folder()
    {
        var (_, run) = await AccountAsync();
        var output = Path.Combine(_folder, "out");
        var result = await run(["generate", "a red kite", "--model", "nano-banana-2-lite", "--ratio", "16:9", "-n", "2", "-o", output]);
        Assert.True(result.ExitCode == 0, result.Error);
        var files = Directory.GetFiles(output, "*.png");
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.Equal((1376, 768), Png.Size(File.ReadAllBytes(f))));
        Assert.All(files, f => Assert.Contains(f, result.Out, StringComparison.Ordinal));
        Assert.Contains("succeeded", result.Error, StringComparison.Ordinal); // progress lines go to stderr
    }

    [Fact]
    public async Task Generate_with_live_progress_at_a_terminal_saves_the_images_too()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        var variables = new Dictionary<string, string> { ["NANOGATE_URL"] = fixture.Server.BaseAddress.ToString(), ["NANOGATE_API_KEY"] = account.Key };
        var result = await RunAsync(variables, interactive: true, "generate", "a slow kite [sim:slow:600]", "-n", "2", "--resolution", "1K", "-o", _folder);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("image 2", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(_folder, "*.png").Length);
    }

    [Fact]
    public async Task Generate_with_refs_sends_the_files_as_references()
    {
        var (_, run) = await AccountAsync();
        var first = Path.Combine(_folder, "a.png");
        var second = Path.Combine(_folder, "b.png");
        await File.WriteAllBytesAsync(first, TestImages.Png(300, 400));
        await File.WriteAllBytesAsync(second, TestImages.Png(64, 64));
        var result = await run(["generate", "put them together", "--ref", first, "--ref", second, "-o", Path.Combine(_folder, "edit"), "--json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("3:4", json.RootElement.GetProperty("task").GetProperty("request").GetProperty("aspect_ratio").GetString()); // the first reference's ratio
        var file = json.RootElement.GetProperty("files")[0].GetString()!;
        Assert.Equal((896, 1200), Png.Size(await File.ReadAllBytesAsync(file)));
    }

    [Fact]
    public async Task Models_balance_tasks_task_and_cancel_print_json_for_scripts()
    {
        var (account, run) = await AccountAsync(credits: 1_000);
        var models = await run(["models", "--json"]);
        Assert.Equal(0, models.ExitCode);
        using (var json = JsonDocument.Parse(models.Out))
        {
            Assert.Contains(json.RootElement.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString() == "gemini-3.1-flash-lite-image");
        }

        var generated = await run(["generate", "one", "--json", "-o", _folder]);
        Assert.Equal(0, generated.ExitCode);
        string taskId;
        using (var json = JsonDocument.Parse(generated.Out))
        {
            taskId = json.RootElement.GetProperty("task").GetProperty("task_id").GetString()!;
        }

        var balance = await run(["balance", "--json"]);
        using (var json = JsonDocument.Parse(balance.Out))
        {
            Assert.Equal(955, json.RootElement.GetProperty("credits").GetProperty("available").GetInt64());
            Assert.Equal(account.Id, json.RootElement.GetProperty("id").GetString());
        }

        var text = await run(["balance"]);
        Assert.StartsWith("955 credits available", text.Out, StringComparison.Ordinal);

        var tasks = await run(["tasks", "--status", "succeeded", "--json"]);
        using (var json = JsonDocument.Parse(tasks.Out))
        {
            Assert.Equal(taskId, json.RootElement.GetProperty("data")[0].GetProperty("task_id").GetString());
        }

        Assert.Contains(taskId, (await run(["tasks"])).Out, StringComparison.Ordinal);
        var task = await run(["task", taskId]);
        Assert.Equal(0, task.ExitCode);
        Assert.Contains("succeeded", task.Out, StringComparison.Ordinal);
        Assert.Contains("1024x1024", task.Out, StringComparison.Ordinal);

        var canceled = await run(["cancel", taskId, "--json"]);
        using (var json = JsonDocument.Parse(canceled.Out))
        {
            Assert.Equal("succeeded", json.RootElement.GetProperty("status").GetString()); // an ended task stays as it is
        }

        Assert.Equal(2, (await run(["tasks", "--status", "finished"])).ExitCode);
    }

    [Fact]
    public async Task Each_failure_is_one_line_and_a_distinct_exit_code()
    {
        var none = await RunAsync(new Dictionary<string, string> { ["NANOGATE_URL"] = fixture.Server.BaseAddress.ToString() }, false, "generate", "a kite");
        AssertOneLine(none, ExitCodes.Configuration, "No API key");

        var badKey = await RunAsync(new Dictionary<string, string> { ["NANOGATE_URL"] = fixture.Server.BaseAddress.ToString(), ["NANOGATE_API_KEY"] = "sk-wrong" }, false, "balance");
        AssertOneLine(badKey, ExitCodes.Authentication, "refused the API key");

        var (_, poor) = await AccountAsync(credits: 10);
        AssertOneLine(await poor(["generate", "a kite", "-o", _folder]), ExitCodes.NoCredits, "Not enough credits");

        var (_, run) = await AccountAsync();
        AssertOneLine(await run(["generate", "a kite", "--model", "nano-banana-pro", "--ratio", "1:8"]), ExitCodes.Usage, "has no 1:8 ratio");
        AssertOneLine(await run(["generate", "a kite", "--model", "nano-banana-99"]), ExitCodes.Usage, "Unknown model 'nano-banana-99'");
        AssertOneLine(await run(["generate", "a kite", "-n", "7"]), ExitCodes.Usage, "-n must be 1 to 4");
        AssertOneLine(await run(["generate", "a kite", "--ref", Path.Combine(_folder, "missing.png")]), ExitCodes.Usage, "no such file");
        AssertOneLine(await run(["task", "task_nope"]), ExitCodes.NotFound, "task_nope");

        var blocked = await run(["generate", "forbidden [sim:blocked]", "-o", _folder]);
        Assert.Equal(ExitCodes.GenerationFailed, blocked.ExitCode);
        Assert.Contains("failed", blocked.Error.Trim().Split('\n')[^1], StringComparison.Ordinal);

        var unreachable = await RunAsync(new Dictionary<string, string> { ["NANOGATE_URL"] = "http://127.0.0.1:1", ["NANOGATE_API_KEY"] = "sk-any" }, false, "balance");
        AssertOneLine(unreachable, ExitCodes.Unreachable, "Cannot reach the server");

        var parseError = await RunAsync(new Dictionary<string, string>(), false, "generate");
        Assert.Equal(ExitCodes.Usage, parseError.ExitCode);
    }

    [Fact]
    public async Task The_config_file_supplies_url_key_and_model()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        var config = Path.Combine(_folder, ".config", "nanogate", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["url"] = fixture.Server.BaseAddress.ToString(),
            ["api_key"] = account.Key,
            ["model"] = "nano-banana",
        }));
        var result = await RunAsync(new Dictionary<string, string>(), false, "generate", "from config", "-o", _folder, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("gemini-2.5-flash-image", json.RootElement.GetProperty("task").GetProperty("model").GetString());

        await File.WriteAllTextAsync(config, "{ not json");
        AssertOneLine(await RunAsync(new Dictionary<string, string>(), false, "balance"), ExitCodes.Configuration, "Cannot read the config file");
    }

    private static void AssertOneLine(Run run, int exitCode, string says)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}: {run.Error}");
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("nanogate: ", line, StringComparison.Ordinal);
        Assert.Contains(says, line, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }
}

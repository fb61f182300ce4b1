using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests;

/// <summary>
/// dotnet pack makes both packages; the tool installs from the local package into a temp folder (with its own NuGet
/// cache, so a package left by an earlier run is never picked up) and makes a PNG against the real server; the docs'
/// CLI example runs with it.
/// </summary>
public sealed class PackageTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ng-pack-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The configuration these tests were built with; pack uses its build output (--no-build).</summary>
    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    [Fact]
    public async Task Pack_makes_both_packages_and_the_installed_tool_generates_a_png()
    {
        var packages = Path.Combine(_folder, "packages");
        var version = $"1.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        foreach (var project in new[] { "src/Nanogate.Client", "src/Nanogate.Cli" })
        {
            await RunAsync("dotnet", ["pack", Path.Combine(RepoPaths.Root, project), "-c", Configuration, "--no-build", "-o", packages, $"-p:PackageVersion={version}", "-nologo"], _folder);
        }

        // The library: README, licence expression, XML docs, repository metadata, symbols.
        using (var library = ZipFile.OpenRead(Path.Combine(packages, $"Nanogate.Client.{version}.nupkg")))
        {
            var entries = library.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", entries);
            Assert.Contains("lib/net10.0/Nanogate.Client.dll", entries);
            Assert.Contains("lib/net10.0/Nanogate.Client.xml", entries);
            using var nuspecStream = library.GetEntry("Nanogate.Client.nuspec")!.Open();
            var metadata = XDocument.Load(nuspecStream).Root!.Elements().First();
            XNamespace ns = metadata.Name.Namespace;
            var license = metadata.Element(ns + "license")!;
            Assert.Equal(("expression", "MIT"), (license.Attribute("type")!.Value, license.Value));
            Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
            var repository = metadata.Element(ns + "repository")!;
            Assert.Equal("git", repository.Attribute("type")!.Value);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")!.Value);
            Assert.Contains(metadata.Descendants(ns + "dependency"), d => d.Attribute("id")!.Value == "Microsoft.Extensions.AI.Abstractions");
        }

        Assert.True(File.Exists(Path.Combine(packages, $"Nanogate.Client.{version}.snupkg")));

        // The tool: installed from the local package into a temp folder.
        var tools = Path.Combine(_folder, "tools");
        var nugetCache = Path.Combine(_folder, "nuget-cache");
        await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "Nanogate.Cli", "--version", version], _folder, ("NUGET_PACKAGES", nugetCache));
        var nanogate = Path.Combine(tools, OperatingSystem.IsWindows() ? "nanogate.exe" : "nanogate");
        Assert.True(File.Exists(nanogate), "dotnet tool install made no nanogate command");

        var account = await fixture.Server.CreateAccountAsync(10_000);
        var env = new[] { ("NANOGATE_URL", fixture.Server.BaseAddress.ToString()), ("NANOGATE_API_KEY", account.Key), ("HOME", _folder) };
        var output = Path.Combine(_folder, "out");
        var run = await RunAsync(nanogate, ["generate", "a red kite", "--model", "nano-banana-2-lite", "--ratio", "16:9", "-o", output], _folder, env);
        var file = Assert.Single(Directory.GetFiles(output, "*.png"));
        Assert.Equal((1376, 768), Png.Size(await File.ReadAllBytesAsync(file)));
        Assert.Contains(file, run.Out, StringComparison.Ordinal);

        var noKey = await RunAsync(nanogate, ["balance"], _folder, expectedExit: 3, ("NANOGATE_URL", fixture.Server.BaseAddress.ToString()), ("HOME", _folder));
        Assert.StartsWith("nanogate: No API key", noKey.Error, StringComparison.Ordinal);

        // The docs' CLI example, run as a script with the installed tool on PATH.
        var work = Directory.CreateDirectory(Path.Combine(_folder, "example")).FullName;
        var script = await RunAsync("bash", [Path.Combine(RepoPaths.Root, "tests", "Nanogate.ClientTests", "Examples", "cli.sh")], work,
            [.. env, ("PATH", tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"))]);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(work, "out"), "*.png").Length);
        Assert.Equal((1376, 768), Png.Size(await File.ReadAllBytesAsync(Directory.GetFiles(Path.Combine(work, "edited"), "*.png").Single())));
        Assert.Contains("\"status\": \"succeeded\"", await File.ReadAllTextAsync(Path.Combine(work, "result.json")), StringComparison.Ordinal);
        Assert.Contains("credits available", script.Out, StringComparison.Ordinal);
    }

    private static Task<(string Out, string Error)> RunAsync(string file, string[] args, string workingDirectory, params (string Name, string Value)[] env) =>
        RunAsync(file, args, workingDirectory, 0, env);

    private static async Task<(string Out, string Error)> RunAsync(string file, string[] args, string workingDirectory, int expectedExit, params (string Name, string Value)[] env)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("NANOGATE_API_KEY");
        start.Environment.Remove("NANOGATE_URL");
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        var (o, e) = (await stdout, await stderr);
        Assert.True(process.ExitCode == expectedExit, $"{file} {string.Join(' ', args)} exited {process.ExitCode} (expected {expectedExit}):\n{o}\n{e}");
        return (o, e);
    }
}

using System.Text.RegularExpressions;
using Nanogate.Generation;
using Nanogate.Media;

namespace Nanogate.Tests.Hosting;

/// <summary>
/// docs/errors.md against the code: every status and code Nanogate's own error shape can answer has its row, and so
/// has every failed-image code; a new error code without a row fails here (add it, with whether to retry).
/// </summary>
public sealed partial class ErrorCodesDocTests
{
    [Fact]
    public void Every_status_and_code_of_nanogates_own_shape_has_a_row()
    {
        var document = Document();
        var answered = Answered();

        // The scan really finds the codes (a broken pattern must not pass by finding nothing).
        Assert.Contains((429, "queue_full"), answered);
        Assert.Contains((404, "model_not_found"), answered);
        Assert.Contains((405, "method_not_allowed"), answered);
        Assert.Contains((409, "channel_exists"), answered);

        var missing = answered.Where(a => !document.Contains($"| {a.Status} | `{a.Code}` |", StringComparison.Ordinal))
            .Select(a => $"{a.Status} {a.Code}").ToList();
        Assert.True(missing.Count == 0, $"docs/errors.md has no row for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_error_code_constant_of_the_pipeline_is_documented()
    {
        // Codes written through a constant (DialectErrors.ConcurrencyLimitCode) are not literals at their call site,
        // so the literal scan above cannot see them: each must still appear in docs/errors.md.
        var document = Document();
        var pipeline = Path.Combine(RepositoryRoot(), "src", "Nanogate", "Pipeline");
        var codes = Directory.EnumerateFiles(pipeline, "*.cs")
            .SelectMany(f => CodeConstantPattern().Matches(File.ReadAllText(f)).Select(m => m.Groups["code"].Value))
            .ToList();
        Assert.Contains("concurrency_limit_exceeded", codes);
        var missing = codes.Where(c => !document.Contains($"`{c}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/errors.md does not mention: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_media_store_failures_are_documented_with_their_status_and_retry_after()
    {
        var document = Document();
        foreach (var failure in Enum.GetValues<MediaStoreFailure>())
        {
            var error = new MediaStoreException(failure, null);
            Assert.Contains($"| {error.HttpStatus} | `{error.Code}` |", document, StringComparison.Ordinal);
            var row = document.Split('\n').First(l => l.StartsWith($"| {error.HttpStatus} | `{error.Code}` |", StringComparison.Ordinal));
            Assert.EndsWith($"| `{MediaStoreException.RetryAfterHeader}` |", row.TrimEnd(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_failed_image_code_has_a_row()
    {
        var document = Document();
        var missing = Enum.GetValues<ImageFailureKind>().Select(k => k.Code())
            .Where(code => !document.Contains($"| `{code}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/errors.md has no failed-image row for: {string.Join(", ", missing)}");
    }

    // What src/Nanogate writes in Nanogate's shape: literal ApiError.Result and TaskRequestError codes, and the
    // framework table (DialectErrors.NanogateCode: statuses by number, >= 500 and the 400 fallback).
    private static HashSet<(int Status, string Code)> Answered()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "Nanogate");
        var answered = new HashSet<(int, string)>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            foreach (Match m in LiteralPattern().Matches(File.ReadAllText(file)))
            {
                answered.Add((int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["code"].Value));
            }
        }

        var table = File.ReadAllText(Path.Combine(source, "Pipeline", "DialectErrors.cs"));
        var start = table.IndexOf("private static string NanogateCode", StringComparison.Ordinal);
        Assert.True(start >= 0, "DialectErrors.NanogateCode not found: update this test.");
        var body = table[start..table.IndexOf("};", start, StringComparison.Ordinal)];
        foreach (Match m in TableRowPattern().Matches(body))
        {
            answered.Add((int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["code"].Value));
        }

        answered.Add((500, TableCode(body, ">= 500")));
        answered.Add((400, TableCode(body, "_")));
        return answered;
    }

    private static string TableCode(string body, string arm) =>
        Regex.Match(body, Regex.Escape(arm) + @" => ""(?<code>[a-z_]+)""").Groups["code"] is { Success: true } g
            ? g.Value
            : throw new InvalidOperationException($"DialectErrors.NanogateCode has no arm {arm}: update this test.");

    private static string Document() => File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "errors.md")).ReplaceLineEndings("\n");

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nanogate.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (Nanogate.slnx) is not above the test assembly.");
    }

    // ApiError.Result(429, "queue_full", … and new TaskRequestError(404, "model_not_found", …
    [GeneratedRegex(@"(?:ApiError\.Result|TaskRequestError)\((?<status>\d{3}), ""(?<code>[a-z_]+)""")]
    private static partial Regex LiteralPattern();

    // public const string ConcurrencyLimitCode = "concurrency_limit_exceeded";
    [GeneratedRegex(@"const string \w+Code = ""(?<code>[a-z_]+)""")]
    private static partial Regex CodeConstantPattern();

    // 413 => "request_too_large",
    [GeneratedRegex(@"(?<status>\d{3}) => ""(?<code>[a-z_]+)""")]
    private static partial Regex TableRowPattern();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.VisualBasic.FileIO;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Operations;

namespace Nanogate.IntegrationTests.Admin;

/// <summary>Usage that adds up, across the dialects, in buckets, as CSV, and after retention deletes the tasks.</summary>
public sealed class UsageBucketsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Model = "gemini-3.1-flash-lite-image";

    private NanogateServer Server => fixture.Server;

    [Fact]
    public async Task Every_dialects_images_count_only_a_tasks_failed_images_are_refunds_and_totals_survive_retention()
    {
        var account = await Server.CreateAccountAsync(10_000, "usage-buckets");
        using var client = account.Client();

        // Tasks: two images, one blocked by the upstream: 45 charged, 45 refunded (failed work).
        var task = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"usage {Guid.NewGuid():N} [sim:blocked:1]", n = 2 }));
        var taskId = task["task_id"]!.GetValue<string>();
        await TaskApi.WaitForEndAsync(client, taskId);

        // Gemini: one image, 45, and streamed: one image, 45. OpenAI: two images, 90.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("a fox"))).StatusCode);
        var streamed = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse", Gemini.GeminiDialectTests.Body("a streamed fox"));
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Contains("data:", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "two owls", n = 2 })).StatusCode);

        // Synchronous calls that fail charge nothing, and nothing paid means nothing refunded: their holds are released,
        // not refunded (Gemini failing at once, Gemini breaking mid-body, OpenAI failing every image). A task canceled
        // before it ran would be released, not refunded, too; only the task's failed image above is a refund.
        using (var cut = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent") { Content = JsonContent.Create(Gemini.GeminiDialectTests.Body($"cut {Guid.NewGuid():N} [sim:cut]")) })
        {
            using var response = await client.SendAsync(cut, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var broken = await Record.ExceptionAsync(() => response.Content.ReadAsByteArrayAsync());
            Assert.True(broken is HttpRequestException or IOException, $"expected a broken body, got {broken?.GetType().Name ?? "a complete one"}");
        }

        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body($"fail {Guid.NewGuid():N} [sim:500]"))).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = $"fail {Guid.NewGuid():N} [sim:500]", n = 2 })).StatusCode);

        var balance = await account.BalanceAsync();
        for (var wait = 0; balance.Reserved != 0 && wait < 100; wait++)
        {
            // The broken answer is settled when the server notices the break, just after the caller does.
            await Task.Delay(50);
            balance = await account.BalanceAsync();
        }

        Assert.Equal(45 + 45 + 45 + 90, balance.Charged);
        Assert.Equal(0, balance.Reserved);
        await using (var db = await Server.OpenDatabaseAsync())
        {
            // The three failed calls: each released its whole hold, recorded no image and no refund.
            using var command = db.CreateCommand();
            command.CommandText = $"SELECT captured, released, images, refunded FROM reservations WHERE account_id = '{account.Id}' AND purpose <> 'task' AND captured = 0";
            using var reader = await command.ExecuteReaderAsync();
            var failed = 0;
            while (await reader.ReadAsync())
            {
                failed++;
                Assert.True(reader.GetInt64(1) > 0);
                Assert.Equal((0L, 0L), (reader.GetInt64(2), reader.GetInt64(3)));
            }

            Assert.Equal(3, failed);
        }

        var url = "/admin/v1/usage?bucket=hour&days=1&group_by=account,key,model,channel";
        var before = await MineAsync(url, account.Id);
        Assert.All(before, r => Assert.Equal(account.KeyId, r["key_id"]!.GetValue<string>()));
        Assert.All(before, r => Assert.Equal(Model, r["model"]!.GetValue<string>()));
        Assert.All(before, r => Assert.Equal("usage-buckets", r["account_name"]!.GetValue<string>()));
        Assert.Equal(7, before.Sum(r => r["requests"]!.GetValue<long>()));
        Assert.Equal(1 + 1 + 1 + 2, before.Sum(r => r["images"]!.GetValue<long>()));
        Assert.Equal(balance.Charged, before.Sum(r => r["credits_charged"]!.GetValue<long>()));
        Assert.Equal(45, before.Sum(r => r["credits_refunded"]!.GetValue<long>()));
        Assert.Contains(before, r => r["channel"]?.GetValue<string>() is { Length: > 0 });

        // Day buckets without grouping hold the same totals (other tests' usage included, so only as a lower bound here).
        var days = (await Server.Admin.GetFromJsonAsync<JsonObject>("/admin/v1/usage?bucket=day&days=2"))!;
        Assert.Equal("day", days["bucket"]!.GetValue<string>());
        Assert.All(days["data"]!.AsArray(), r => Assert.Null(r!["account_id"]));
        Assert.All(days["data"]!.AsArray(), r => Assert.Null(r!["account_name"]));
        Assert.True(days["totals"]!["credits_charged"]!.GetValue<long>() >= balance.Charged);

        // CSV: the same rows, parsed back with a real CSV parser.
        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, url.Replace("?", "?format=csv&", StringComparison.Ordinal));
        var csv = await Server.Admin.SendAsync(csvRequest);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".csv", csv.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var rows = Parse(await csv.Content.ReadAsStringAsync());
        Assert.Equal(["bucket_start", "account_id", "key_id", "model", "channel", "requests", "images", "credits_charged", "credits_refunded", "account_name"], rows[0]);
        var mine = rows.Skip(1).Where(r => r[1] == account.Id).ToList();
        Assert.Equal(before.Count, mine.Count);
        Assert.All(mine, r => Assert.Equal("usage-buckets", r[9]));
        Assert.Equal(balance.Charged, mine.Sum(r => long.Parse(r[7], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(5, mine.Sum(r => long.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture)));

        using var accept = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/usage?bucket=day");
        accept.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        Assert.Equal("text/csv", (await Server.Admin.SendAsync(accept)).Content.Headers.ContentType!.MediaType);

        // Retention: the task ended "100 days ago" is deleted; the usage of that window is unchanged.
        await using (var db = await Server.OpenDatabaseAsync())
        {
            using var command = db.CreateCommand();
            command.CommandText = $"UPDATE tasks SET completed_at = completed_at - {100L * 86_400_000} WHERE id = '{taskId}'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.True(await Server.Services.GetRequiredService<RetentionSweeper>().SweepAsync(CancellationToken.None) >= 1);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/tasks/{taskId}")).StatusCode);
        var after = await MineAsync(url, account.Id);
        Assert.Equal(before.Select(r => r.ToJsonString()), after.Select(r => r.ToJsonString()));
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Theory]
    [InlineData("bucket=week", "bucket")]
    [InlineData("bucket=hour&group_by=account,planet", "group_by")]
    [InlineData("bucket=hour&from=2026-01-02&to=2026-01-01", "from")]
    [InlineData("bucket=hour&from=2000-01-01&to=2026-01-01", "from")]
    [InlineData("bucket=day&from=soon", "from")]
    [InlineData("format=xml", "format")]
    public async Task Bad_usage_queries_are_refused_with_400_naming_the_parameter(string query, string param)
    {
        var response = await Server.Admin.GetAsync("/admin/v1/usage?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["param"]!.GetValue<string>());
    }

    private async Task<List<JsonObject>> MineAsync(string url, string accountId)
    {
        var usage = (await Server.Admin.GetFromJsonAsync<JsonObject>(url))!;
        Assert.Equal("usage", usage["object"]!.GetValue<string>());
        Assert.Equal(["account", "key", "model", "channel"], usage["group_by"]!.AsArray().Select(g => g!.GetValue<string>()));
        return [.. usage["data"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["account_id"]!.GetValue<string>() == accountId)];
    }

    private static List<string[]> Parse(string csv)
    {
        using var parser = new TextFieldParser(new StringReader(csv)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        return rows;
    }
}

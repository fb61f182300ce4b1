using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Client;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests;

/// <summary>The typed client against a real server: submit, Prefer: wait, polling, list, cancel, catalog, account, downloads.</summary>
public sealed class TaskClientTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public async Task Generate_with_each_option_returns_the_finished_task_with_images_of_the_asked_shape()
    {
        var (account, client) = await fixture.ClientAsync();
        using var _ = client;
        var task = await client.GenerateAsync(new ImageTaskRequest
        {
            Model = "nano-banana-2",
            Prompt = "A red kite over a beach",
            AspectRatio = "16:9",
            Resolution = "2K",
            N = 2,
            ThinkingLevel = "high",
        });

        Assert.Equal(NanogateTaskStatus.Succeeded, task.Status);
        Assert.True(task.IsFinal);
        Assert.StartsWith("task_", task.TaskId, StringComparison.Ordinal);
        Assert.Equal("gemini-3.1-flash-image", task.Model);
        Assert.Equal("16:9", task.Request!.AspectRatio);
        Assert.Equal("2K", task.Request.Resolution);
        Assert.Equal(2, task.Images.Count);
        Assert.All(task.Images, image => Assert.Equal((2752, 1536), (image.Width, image.Height)));
        Assert.Equal(task.Credits!.Reserved, task.Credits.Charged);
        Assert.True(task.Usage!.ImageTokens > 0);
        Assert.StartsWith("req_", task.RequestId, StringComparison.Ordinal);

        var bytes = await client.DownloadImageAsync(task.Images[0]);
        Assert.Equal((2752, 1536), Png.Size(bytes));
        var balance = await account.BalanceAsync();
        Assert.Equal(task.Credits.Charged, balance.Charged);
    }

    [Fact]
    public async Task Size_in_pixels_maps_to_the_nearest_ratio_and_says_so_in_warnings()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var task = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A wide valley", Size = "1920x1080" });
        Assert.Equal((1376, 768), (task.Images[0].Width, task.Images[0].Height));
        Assert.Contains(task.Warnings, w => w.Contains("16:9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_answers_at_once_and_WaitForTask_polls_until_the_end_reporting_each_state()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var submitted = await client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A slow lighthouse [sim:slow:800]" });
        Assert.Equal(NanogateTaskStatus.Pending, submitted.Status);
        Assert.Equal($"/v1/tasks/{submitted.TaskId}", submitted.PollUrl);
        Assert.Equal(45, submitted.Credits!.Reserved);

        var seen = new List<string>();
        var ended = await client.WaitForTaskAsync(
            submitted.TaskId,
            new TaskWaitOptions { InitialPollInterval = TimeSpan.FromMilliseconds(50), MaxPollInterval = TimeSpan.FromMilliseconds(200) },
            new SyncProgress(t => seen.Add(t.Status)));
        Assert.Equal(NanogateTaskStatus.Succeeded, ended.Status);
        Assert.True(seen.Count >= 2, $"polled {seen.Count} time(s)");
        Assert.Contains(NanogateTaskStatus.Running, seen);
        Assert.Equal(NanogateTaskStatus.Succeeded, seen[^1]);
    }

    [Fact]
    public async Task Prefer_wait_returns_the_finished_task_in_one_round_trip()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var task = await client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A fox" }, new SubmitOptions { PreferWaitSeconds = 20 });
        Assert.Equal(NanogateTaskStatus.Succeeded, task.Status);
        Assert.Single(task.SucceededImages);
    }

    [Fact]
    public async Task A_wait_that_runs_out_throws_TimeoutException_and_the_task_goes_on()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var submitted = await client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Very slow [sim:slow:3000]" });
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForTaskAsync(
            submitted.TaskId, new TaskWaitOptions { Timeout = TimeSpan.FromMilliseconds(400), InitialPollInterval = TimeSpan.FromMilliseconds(100) }));
        Assert.Contains(submitted.TaskId, e.Message, StringComparison.Ordinal);
        Assert.False((await client.GetTaskAsync(submitted.TaskId)).IsFinal);
    }

    [Fact]
    public async Task A_request_past_RequestTimeout_throws_TimeoutException_and_a_canceled_token_cancels()
    {
        // A server that takes 5 s to answer; the client gives each request 300 ms.
        await using var slow = await LoopbackServer.StartAsync(app => app.MapGet("/v1/account", async (CancellationToken aborted) =>
        {
            await Task.Delay(5000, aborted);
            return Results.Ok();
        }));
        using var client = new NanogateClient(new NanogateClientOptions { BaseAddress = slow.BaseUrl, ApiKey = "sk-any", RequestTimeout = TimeSpan.FromMilliseconds(300) });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => client.GetAccountAsync());
        Assert.Contains("RequestTimeout", e.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"took {started.Elapsed}");

        using var canceled = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var patient = new NanogateClient(slow.BaseUrl, "sk-any");
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.GetAccountAsync(canceled.Token));
        Assert.IsNotType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task Cancel_refunds_the_images_not_yet_started()
    {
        await using var server = await NanogateServer.StartAsync("Tasks:Workers=1", "Upstreams:TimeoutSeconds=10");
        var account = await server.CreateAccountAsync(10_000);
        using var client = new NanogateClient(server.BaseAddress, account.Key);
        var submitted = await client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Three slow ones [sim:slow:1500]", N = 3 });
        await Task.Delay(300);
        var canceled = await client.CancelTaskAsync(submitted.TaskId);
        Assert.Contains(canceled.Images, i => i.Status == NanogateTaskStatus.Canceled);

        var ended = await client.WaitForTaskAsync(submitted.TaskId);
        Assert.Contains(ended.Status, new[] { NanogateTaskStatus.PartiallySucceeded, NanogateTaskStatus.Canceled });
        Assert.True(ended.Credits!.Refunded >= 45, $"refunded {ended.Credits.Refunded}");
        Assert.Equal(ended.Credits.Reserved, ended.Credits.Charged + ended.Credits.Refunded);
        await server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task List_filters_by_status_and_pages_with_the_cursor()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            made.Add((await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = $"Listed {i}" })).TaskId);
        }

        var failed = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Blocked [sim:blocked]" });
        Assert.Equal(NanogateTaskStatus.Failed, failed.Status);

        var page = await client.ListTasksAsync(new TaskListQuery { Status = NanogateTaskStatus.Succeeded, Limit = 2 });
        Assert.Equal(2, page.Data.Count);
        Assert.True(page.HasMore);
        Assert.All(page.Data, t => Assert.Equal(NanogateTaskStatus.Succeeded, t.Status));
        Assert.Equal(made[^1], page.Data[0].TaskId); // newest first

        var all = new List<string>();
        await foreach (var task in client.ListAllTasksAsync(new TaskListQuery { Status = NanogateTaskStatus.Succeeded, Limit = 2 }))
        {
            all.Add(task.TaskId);
        }

        Assert.Equal(made.AsEnumerable().Reverse(), all);
        var onlyFailed = await client.ListTasksAsync(new TaskListQuery { Status = NanogateTaskStatus.Failed });
        Assert.Equal(failed.TaskId, Assert.Single(onlyFailed.Data).TaskId);
        Assert.Equal("content_blocked", failed.Images[0].Error!.Code);
    }

    [Fact]
    public async Task Catalog_and_account_are_typed()
    {
        var (account, client) = await fixture.ClientAsync(credits: 777);
        using var _ = client;
        var models = await client.ListModelsAsync();
        var lite = models.Find("nano-banana-2-lite");
        Assert.NotNull(lite);
        Assert.Equal("gemini-3.1-flash-lite-image", lite.Id);
        Assert.Contains("16:9", lite.AspectRatios);
        Assert.Equal("1376x768", lite.PixelSizes!["1K"]["16:9"]);
        Assert.Equal(45, lite.Pricing!.CreditsPerImage!["1K"]);
        Assert.Equal("gemini-3-pro-image", (await client.GetModelAsync("nano-banana-pro")).Id);

        var me = await client.GetAccountAsync();
        Assert.Equal(account.Id, me.Id);
        Assert.Equal(777, me.Credits.Available);
        Assert.Equal(777, me.Credits.ToppedUp);
        Assert.StartsWith("whsec_", await client.GetWebhookSecretAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edits_carry_reference_files_as_data_uris()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var file = Path.Combine(Path.GetTempPath(), $"ng-ref-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(file, TestImages.Png(300, 200));
        try
        {
            var reference = await ImageReference.FromFileAsync(file);
            Assert.StartsWith("data:image/png;base64,", reference, StringComparison.Ordinal);
            var task = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Make it winter", ImageUrls = [reference] });
            Assert.Equal(NanogateTaskStatus.Succeeded, task.Status);
            // With a reference and no ratio, the image takes the reference's ratio: 3:2.
            Assert.Equal("3:2", task.Request!.AspectRatio);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Downloads_stream_to_a_file_and_to_bytes_identically()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var task = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A teapot", AspectRatio = "9:16" });
        var path = Path.Combine(Path.GetTempPath(), $"ng-dl-{Guid.NewGuid():N}.png");
        try
        {
            await client.SaveImageAsync(task.Images[0], path);
            var bytes = await client.DownloadImageAsync(task.Images[0]);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(path));
            Assert.Equal((768, 1376), Png.Size(bytes));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AddNanogateClient_registers_a_typed_client_of_the_http_client_factory()
    {
        var account = await fixture.Server.CreateAccountAsync(500);
        var services = new ServiceCollection();
        services.AddNanogateClient(o =>
        {
            o.BaseAddress = fixture.Server.BaseAddress;
            o.ApiKey = account.Key;
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<NanogateClient>();
        Assert.Equal(500, (await client.GetAccountAsync()).Credits.Available);
        Assert.NotSame(client, provider.GetRequiredService<NanogateClient>()); // typed clients are transient; handlers are pooled
    }

    [Fact]
    public async Task A_base_url_with_a_path_prefix_keeps_the_prefix()
    {
        // A platform behind a reverse proxy under /ng/: every call goes under the prefix.
        await using var proxy = await LoopbackServer.StartAsync(app => app.Map("/ng/{**rest}", async (HttpContext context, string? rest) =>
        {
            using var forward = new HttpClient();
            var target = new Uri(fixture.Server.BaseAddress, rest + context.Request.QueryString);
            using var message = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
            message.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
            using var answer = await forward.SendAsync(message);
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
            await answer.Content.CopyToAsync(context.Response.Body);
        }));
        var account = await fixture.Server.CreateAccountAsync(321);
        using var client = new NanogateClient(new Uri(proxy.Address + "/ng"), account.Key);
        Assert.Equal(321, (await client.GetAccountAsync()).Credits.Available);
    }

    private sealed class SyncProgress(Action<NanogateTask> handler) : IProgress<NanogateTask>
    {
        public void Report(NanogateTask value) => handler(value);
    }
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>Small helpers for driving the task dialect over HTTP.</summary>
internal static class TaskApi
{
    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, object body, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations") { Content = JsonContent.Create(body) };
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    public static async Task<JsonObject> WaitForEndAsync(HttpClient client, string taskId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await client.GetAsync($"/v1/tasks/{taskId}");
            response.EnsureSuccessStatusCode();
            var task = await JsonAsync(response);
            var status = task["status"]!.GetValue<string>();
            if (status is "succeeded" or "partially_succeeded" or "failed" or "canceled")
            {
                return task;
            }

            Assert.True(DateTime.UtcNow < deadline, $"task {taskId} still {status}");
            await Task.Delay(50);
        }
    }
}

// Task API with Nanogate.Client: two 16:9 images, waited for (Prefer: wait, then polling) and saved as files.
using Nanogate.Client;

namespace Nanogate.ClientTests.Examples;

public static class ClientExample
{
    public static async Task<List<string>> RunAsync(Uri baseUrl, string apiKey, string folder, CancellationToken cancellationToken = default)
    {
        using var client = new NanogateClient(baseUrl, apiKey); // or services.AddNanogateClient(...) and inject it

        NanogateTask task;
        try
        {
            task = await client.GenerateAsync(
                new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A red kite over a beach", AspectRatio = "16:9", N = 2 },
                cancellationToken: cancellationToken);
        }
        catch (NanogateInsufficientCreditsException e)
        {
            Console.Error.WriteLine($"Top up first: {e.Message} (request {e.RequestId})");
            throw;
        }

        var files = new List<string>();
        foreach (var image in task.SucceededImages)
        {
            // Streams the signed link (valid 24 h) into a file; DownloadImageAsync(image) gives the bytes instead.
            files.Add(await client.SaveImageAsync(image, Path.Combine(folder, $"kite-{image.Index}.png"), cancellationToken));
        }

        Console.WriteLine($"{task.Status}: {files.Count} images, {task.Credits?.Charged} credits");
        return files;
    }
}

using System.Net;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>
/// Memory of the largest submission. Alone in its collection: the allocation counter is process-wide, and a test
/// running beside it (another 190 MB body) would be counted too.
/// </summary>
[Collection(MemoryMeasurements.Name)]
public sealed class ReferenceMemoryTests
{
    /// <summary>
    /// The body of 14 data URIs is held once: what the server allocates for it is the body itself plus the decoded
    /// images, not the several copies (stream buffer, ToArray, document, UTF-16 strings: over 1 GB) of reading it
    /// into a JsonNode. Measured on a body refused after every image was decoded (the last one is not an image), so
    /// no task runs beside the measurement.
    /// </summary>
    [Fact]
    public async Task A_body_of_fourteen_10_MB_data_uris_is_held_in_memory_once()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(1_000);
        using var client = LargeReferenceTests.LongClient(account);
        var notAnImage = new byte[LargeReferenceTests.TenMegabytes];
        var body = LargeReferenceTests.Body([.. Enumerable.Repeat(LargeReferenceTests.Reference, LargeReferenceTests.Count - 1), notAnImage]);
        using (var warmup = await client.PostAsync("/v1/images/generations", LargeReferenceTests.Json(LargeReferenceTests.Body([notAnImage]))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, warmup.StatusCode);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await client.PostAsync("/v1/images/generations", LargeReferenceTests.Json(body));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("image_urls[13]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The body once and the 14 decoded images; 48 MiB for everything else (the test's own client included).
        var bound = body.Length + ((long)LargeReferenceTests.Count * LargeReferenceTests.TenMegabytes) + (48L * 1024 * 1024);
        Assert.True(allocated < bound, $"allocated {allocated / (1024 * 1024)} MiB for a {body.Length / (1024 * 1024)} MiB body (bound {bound / (1024 * 1024)} MiB)");
    }

}

using System.Text.Json.Serialization;

namespace Nanogate.Admin;

/// <summary><c>GET /admin/v1/usage?bucket=hour|day</c>: buckets in time order, then by the grouped dimensions.</summary>
internal sealed record UsageBucketsBody(
    [property: JsonPropertyName("object")] string Object,
    string Bucket,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<UsageBucketBody> Data,
    UsageTotalsBody Totals);

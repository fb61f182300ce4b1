namespace Nanogate.Admin;

/// <summary>A key's rate limits (null = none).</summary>
internal sealed record KeyRateLimitBody(int? RequestsPerMinute, int? ImagesPerMinute);

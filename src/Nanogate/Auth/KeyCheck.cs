namespace Nanogate.Auth;

/// <summary>The outcome of a user key: the caller, or why not (and, when rate limited, how long to wait).</summary>
internal sealed record KeyCheck(Caller? Caller, KeyRefusal Refusal, DateTimeOffset? ExpiredAt = null, TimeSpan? RetryAfter = null, int? Limit = null, string? DisabledAccountId = null);

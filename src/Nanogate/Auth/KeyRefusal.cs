namespace Nanogate.Auth;

/// <summary>Why a user key did not authenticate a request (kept on the request for the dialect's answer).</summary>
internal enum KeyRefusal
{
    /// <summary>Unknown or revoked: the dialect's plain 401.</summary>
    Unknown,

    /// <summary>Its account is disabled by the operator: 403 in the route's dialect.</summary>
    AccountDisabled,

    /// <summary>Past its <c>expires_at</c>: 401 saying so.</summary>
    Expired,

    /// <summary>Over its <c>requests_per_minute</c>: 429 with <c>Retry-After</c>.</summary>
    RateLimited,
}

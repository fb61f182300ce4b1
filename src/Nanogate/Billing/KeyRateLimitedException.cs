namespace Nanogate.Billing;

/// <summary>A request refused by its API key's <c>images_per_minute</c>; answered as 429 with <c>Retry-After</c> in the route's dialect.</summary>
internal sealed class KeyRateLimitedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public KeyRateLimitedException(string message, TimeSpan retryAfter)
        : base(message) => RetryAfter = retryAfter;

    /// <summary>Creates the refusal (for serializers and tests).</summary>
    public KeyRateLimitedException()
    {
    }

    /// <summary>Creates the refusal with a message.</summary>
    public KeyRateLimitedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the refusal with a message and a cause.</summary>
    public KeyRateLimitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long until the images could be granted.</summary>
    public TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(60);
}

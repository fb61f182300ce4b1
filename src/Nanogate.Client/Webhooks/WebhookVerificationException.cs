namespace Nanogate.Client;

/// <summary>A webhook delivery failed verification: a header is missing, the timestamp is too old or new, or no signature matches.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookVerificationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public WebhookVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WebhookVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

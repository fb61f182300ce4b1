namespace Nanogate.Client;

/// <summary>The error body of every dialect: <c>{"error":{"code","message","param"}}</c> (OpenAI's adds <c>type</c>).</summary>
internal sealed class ErrorEnvelope
{
    public ErrorBody? Error { get; set; }
}

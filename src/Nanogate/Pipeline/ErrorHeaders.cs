namespace Nanogate.Pipeline;

/// <summary>
/// The extra headers an error answer carries (<c>Retry-After</c>, <c>x-should-retry</c>), set the same way by every
/// dialect's error result before its body is written.
/// </summary>
internal static class ErrorHeaders
{
    /// <summary>Sets <paramref name="headers"/>, if any, on <paramref name="response"/> (a value replaces one of the same name).</summary>
    public static void Apply(HttpResponse response, IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null)
        {
            return;
        }

        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }
    }
}

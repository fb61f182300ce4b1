namespace Nanogate.Gemini;

/// <summary>Writes JSON bytes as received (or as rewritten), then releases their owner (a pooled upstream buffer).</summary>
internal sealed class RawJsonResult(ReadOnlyMemory<byte> body, IDisposable? owner = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (owner)
        {
            httpContext.Response.StatusCode = 200;
            httpContext.Response.ContentType = "application/json; charset=UTF-8";
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}

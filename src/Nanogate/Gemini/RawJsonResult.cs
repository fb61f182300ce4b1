namespace Nanogate.Gemini;

/// <summary>Writes JSON bytes as received from the upstream, untouched.</summary>
internal sealed class RawJsonResult(ReadOnlyMemory<byte> body) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = 200;
        httpContext.Response.ContentType = "application/json; charset=UTF-8";
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}

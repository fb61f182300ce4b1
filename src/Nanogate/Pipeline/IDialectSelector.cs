namespace Nanogate.Pipeline;

/// <summary>
/// Endpoint metadata naming the dialect a route answers in (its errors, its 401s, the key styles it reads). Most
/// routes have one fixed dialect (<see cref="DialectMetadata"/>); a route shared by two readers picks per request.
/// </summary>
internal interface IDialectSelector
{
    /// <summary>The dialect of this request.</summary>
    Dialect Select(HttpRequest request);
}

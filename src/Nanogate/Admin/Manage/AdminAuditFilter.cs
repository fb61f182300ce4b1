using Nanogate.Storage.Admin;

namespace Nanogate.Admin.Manage;

/// <summary>
/// On the admin group: after a request that changes something (any method but GET and HEAD) succeeds, records it in
/// the audit log before the answer is sent, so an action the operator saw succeed is never missing from the log.
/// Refused requests (4xx) change nothing and are not recorded.
/// </summary>
internal sealed class AdminAuditFilter(IAdminStore store, TimeProvider time) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context).ConfigureAwait(false);
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return result;
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status is >= 200 and < 300)
        {
            await store.AppendAuditAsync(AdminAudit.EntryFor(http, time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None).ConfigureAwait(false);
        }

        return result;
    }
}

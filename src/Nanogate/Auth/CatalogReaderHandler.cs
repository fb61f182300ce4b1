using Microsoft.AspNetCore.Authorization;
using Nanogate.Pipeline;

namespace Nanogate.Auth;

/// <summary>Lets every catalog reader through, and a Gemini-flavoured request only with a user key.</summary>
internal sealed class CatalogReaderHandler : AuthorizationHandler<CatalogReaderRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CatalogReaderRequirement requirement)
    {
        if (context.Resource is not HttpContext http || http.DialectOf() != Dialect.Gemini || context.User.IsInRole(CallerIdentity.Role))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Authorization;
using Nanogate.Media;

namespace Nanogate.Auth;

/// <summary>Checks a media link's signature and expiry (<see cref="MediaLinks.Check"/>) before the route runs.</summary>
internal sealed class SignedMediaLinkHandler(MediaLinks links) : AuthorizationHandler<SignedMediaLinkRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SignedMediaLinkRequirement requirement)
    {
        if (context.Resource is HttpContext http && Check(http, links) == MediaLinkCheck.Valid)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <summary>The verdict on the request's link (also asked again to word a refusal: 403 or 410).</summary>
    public static MediaLinkCheck Check(HttpContext http, MediaLinks links) =>
        links.Check(http.GetRouteValue("id") as string ?? "", http.Request.Query["exp"], http.Request.Query["sig"]);
}

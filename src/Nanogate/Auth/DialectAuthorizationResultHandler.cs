using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Nanogate.Hosting;
using Nanogate.Media;
using Nanogate.Pipeline;

namespace Nanogate.Auth;

/// <summary>
/// Answers a request its route's policy refused, in the route's dialect: a bad or expired media link as 403/410,
/// the admin routes with the admin key's hint, every other refusal as the dialect's 401 (a missing key, an unknown
/// or revoked one, or a key of the wrong audience: an admin key on a user route is as unknown there as a typo).
/// </summary>
internal sealed class DialectAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc />
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        return Refusal(context, policy, authorizeResult).ExecuteAsync(context);
    }

    private static IResult Refusal(HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (policy.Requirements.OfType<SignedMediaLinkRequirement>().Any())
        {
            return SignedMediaLinkHandler.Check(context, context.RequestServices.GetRequiredService<MediaLinks>()) == MediaLinkCheck.Expired
                ? MediaEndpoints.Gone()
                : ApiError.Result(403, "invalid_signature", "This media link's signature is missing or invalid. Use the exact url from the task object.");
        }

        if (policy.Requirements.OfType<RolesAuthorizationRequirement>().Any(r => r.AllowedRoles.Contains(ApiKeyAuthenticationHandler.AdminRole)))
        {
            return ApiError.Result(401, "unauthenticated", "This route needs the admin key as Authorization: Bearer <admin key> (printed on first start, or set Admin:ApiKey).");
        }

        if (context.Items[typeof(KeyCheck)] is KeyCheck { Refusal: not KeyRefusal.Unknown } check)
        {
            return check.Refusal switch
            {
                KeyRefusal.AccountDisabled => DialectErrors.AccountDisabled(context.DialectOf(), check.DisabledAccountId!),
                KeyRefusal.Expired => DialectErrors.Result(context.DialectOf(), 401,
                    $"This API key expired at {check.ExpiredAt!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}. Ask the operator for a new key, or to move its expires_at later."),
                _ => DialectErrors.RateLimited(context.DialectOf(),
                    $"This API key is limited to {check.Limit} requests per minute. Retry after {KeyRateLimits.RetryAfter(check.RetryAfter!.Value)} s (Retry-After).",
                    check.RetryAfter!.Value),
            };
        }

        var keyGiven = ApiKeyAuthenticationHandler.KeyOf(context) is not null || context.Request.Headers.Authorization.Count > 0;
        return DialectErrors.Unauthenticated(context.DialectOf(), keyGiven);
    }
}

using Microsoft.AspNetCore.Authorization;

namespace Nanogate.Auth;

/// <summary>
/// The authorization policies, one per audience; route groups declare theirs with <c>RequireAuthorization</c>.
/// Every policy authenticates with <see cref="ApiKeyAuthenticationHandler"/> only, so a route without a policy
/// (health, metrics, playground, the simulator) never looks a key up.
/// </summary>
internal static class NanogatePolicies
{
    /// <summary>A user key (<c>sk-…</c>): the task, Gemini and OpenAI dialects, the account and webhook routes.</summary>
    public const string UserKey = "user-key";

    /// <summary>The admin key: <c>/admin/v1</c>.</summary>
    public const string AdminKey = "admin-key";

    /// <summary>A signed media link (<c>?exp=…&amp;sig=…</c>); a key, if given, must be the owner's (checked by the route).</summary>
    public const string SignedMediaLink = "signed-media-link";

    /// <summary><c>GET /v1/models</c>: open to catalog readers, a user key for a Gemini client (Google's ListModels).</summary>
    public const string CatalogReader = "catalog-reader";

    /// <summary>Registers the handler and the policies.</summary>
    public static IServiceCollection AddNanogateAuthorization(this IServiceCollection services)
    {
        // Every policy names the scheme, so no request needs a default one. With one scheme registered, ASP.NET Core
        // makes it the default and UseAuthentication runs the handler for every request, /healthz, the playground's
        // files and unknown paths included (~2 % of a health check's CPU, issue 17 profile). The switch turns that off.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, SignedMediaLinkHandler>();
        services.AddSingleton<IAuthorizationHandler, CatalogReaderHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, DialectAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(UserKey, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(CallerIdentity.Role))
            .AddPolicy(AdminKey, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireRole(ApiKeyAuthenticationHandler.AdminRole))
            .AddPolicy(SignedMediaLink, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).AddRequirements(new SignedMediaLinkRequirement()))
            .AddPolicy(CatalogReader, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).AddRequirements(new CatalogReaderRequirement()));
        return services;
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Nanogate.Pipeline;

namespace Nanogate.Auth;

/// <summary>
/// The one authentication handler: reads the key in the styles the route's dialect takes (<c>Authorization:
/// Bearer</c> everywhere; also <c>x-goog-api-key</c> and <c>?key=</c> on the Gemini dialect) and answers with the
/// admin identity for the admin key, a <see cref="CallerIdentity"/> for a live user key, or a failure: unknown or
/// revoked, expired (<c>expires_at</c>), or over the key's <c>requests_per_minute</c>. Lookups go
/// through <see cref="ApiKeyAuthenticator"/> (its cache and hashing). It never writes a response: a failed
/// policy is answered in the route's dialect by <see cref="DialectAuthorizationResultHandler"/>.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator users, AdminAuthenticator admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";


    /// <summary>The role claim of the admin key's identity.</summary>
    public const string AdminRole = "admin";

    /// <summary>The key a request carries in the styles its dialect takes, or null.</summary>
    public static string? KeyOf(HttpContext context) =>
        ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: context.DialectOf() == Dialect.Gemini);

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (KeyOf(Context) is not { } key)
        {
            return AuthenticateResult.NoResult();
        }

        if (admin.IsAdminKey(key))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, AdminRole)], SchemeName);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
        }

        var check = await users.AuthenticateAsync(key, Context.RequestAborted).ConfigureAwait(false);
        if (check.Caller is { } caller)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new CallerIdentity(caller)), SchemeName));
        }

        // The refusal is answered in the route's dialect by DialectAuthorizationResultHandler, which reads why from here.
        Context.Items[typeof(KeyCheck)] = check;
        return AuthenticateResult.Fail(check.Refusal switch
        {
            KeyRefusal.AccountDisabled => "The key's account is disabled.",
            KeyRefusal.Expired => "Expired API key.",
            KeyRefusal.RateLimited => "API key over its rate limit.",
            _ => "Unknown or revoked API key.",
        });
    }
}

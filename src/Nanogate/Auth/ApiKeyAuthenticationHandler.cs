using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Nanogate.Pipeline;

namespace Nanogate.Auth;

/// <summary>
/// The one authentication handler: reads the key in the styles the route's dialect takes (<c>Authorization:
/// Bearer</c> everywhere; also <c>x-goog-api-key</c> and <c>?key=</c> on the Gemini dialect) and answers with the
/// admin identity for the admin key, a <see cref="CallerIdentity"/> for a live user key, or a failure. Lookups go
/// through <see cref="ApiKeyAuthenticator"/> (its cache and hashing). It never writes a response: a failed
/// policy is answered in the route's dialect by <see cref="DialectAuthorizationResultHandler"/>.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator users, AdminAuthenticator admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The <see cref="HttpContext.Items"/> key holding the account id of a live key whose account is disabled.</summary>
    public const string DisabledAccountItem = "nanogate.disabled_account";

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

        var (caller, disabledAccount) = await users.CheckAsync(key, Context.RequestAborted).ConfigureAwait(false);
        if (disabledAccount is not null)
        {
            // Answered 403 in the route's dialect by DialectAuthorizationResultHandler.
            Context.Items[DisabledAccountItem] = disabledAccount;
            return AuthenticateResult.Fail("The key's account is disabled.");
        }

        return caller is not null
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new CallerIdentity(caller)), SchemeName))
            : AuthenticateResult.Fail("Unknown or revoked API key.");
    }
}

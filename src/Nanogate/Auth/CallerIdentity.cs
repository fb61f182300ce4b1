using System.Security.Claims;

namespace Nanogate.Auth;

/// <summary>The identity of a request made with a user key: the <see cref="Caller"/> behind it, typed.</summary>
internal sealed class CallerIdentity : ClaimsIdentity
{
    /// <summary>The role claim every user-key identity carries.</summary>
    public const string Role = "user";

    /// <summary>Creates the identity.</summary>
    public CallerIdentity(Caller caller)
        : base([new Claim(ClaimTypes.NameIdentifier, caller.AccountId), new Claim("key_id", caller.KeyId), new Claim(ClaimTypes.Role, Role)], ApiKeyAuthenticationHandler.SchemeName) =>
        Caller = caller;

    /// <summary>The account and key.</summary>
    public Caller Caller { get; }
}

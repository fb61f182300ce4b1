namespace Nanogate.Client;

/// <summary>The caller's account (<c>GET /v1/account</c>).</summary>
public sealed class AccountInfo
{
    /// <summary>The account id (<c>acct_…</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>Its name.</summary>
    public string? Name { get; set; }

    /// <summary>The id of the key that asked.</summary>
    public string? KeyId { get; set; }

    /// <summary>Its balance.</summary>
    public AccountCredits Credits { get; set; } = new();
}

namespace Nanogate.Storage.Accounts;

/// <summary>A key found by its hash, and whether the operator disabled its account: what authentication needs, in one read.</summary>
/// <param name="Key">The key.</param>
/// <param name="AccountDisabled">Whether the key's account is disabled (its keys are refused with 403 while it is).</param>
public sealed record ApiKeyLookup(ApiKeyRecord Key, bool AccountDisabled);

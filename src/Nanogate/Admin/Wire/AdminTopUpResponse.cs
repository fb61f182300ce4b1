using Nanogate.Storage.Ledger;

namespace Nanogate.Admin.Wire;

/// <summary>The answer of a top-up: what was added and the balance after it.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Added">Credits added.</param>
/// <param name="Note">What the ledger entry says (the package and dollars, or null).</param>
/// <param name="Credits">The balance after the top-up.</param>
internal sealed record AdminTopUpResponse(string AccountId, long Added, string? Note, AccountBalance Credits);

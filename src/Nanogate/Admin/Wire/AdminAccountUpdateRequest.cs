namespace Nanogate.Admin.Wire;

/// <summary>The body of <c>PATCH /admin/v1/accounts/{id}</c> (described for OpenAPI; read field by field).</summary>
/// <param name="Name">A new label.</param>
/// <param name="Disabled">True disables the account (its keys answer 403); false enables it again.</param>
internal sealed record AdminAccountUpdateRequest(string? Name = null, bool? Disabled = null);

namespace Nanogate.Admin.Wire;

/// <summary>The body of <c>POST /admin/v1/accounts</c> (described for OpenAPI; read field by field).</summary>
/// <param name="Name">A label for the account, up to 100 characters.</param>
/// <param name="Credits">Credits to start with (optional).</param>
internal sealed record AdminAccountCreateRequest(string Name, long? Credits = null);

namespace Nanogate.Admin.Wire;

/// <summary>The body of <c>POST /admin/v1/accounts/{id}/deductions</c> (described for OpenAPI; read field by field).</summary>
/// <param name="Credits">Credits to take from the available balance.</param>
/// <param name="Reason">Why, kept on the ledger entry.</param>
internal sealed record AdminDeductionRequest(long Credits, string Reason);

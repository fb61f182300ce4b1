using Microsoft.AspNetCore.Authorization;

namespace Nanogate.Auth;

/// <summary><c>GET /v1/models</c>: anyone may read the catalog; a Gemini client (Google's ListModels) needs a user key.</summary>
internal sealed class CatalogReaderRequirement : IAuthorizationRequirement;

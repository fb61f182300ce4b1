using Microsoft.AspNetCore.Authorization;

namespace Nanogate.Auth;

/// <summary>The request's <c>exp</c> and <c>sig</c> must sign its media id and be unexpired: the link is the credential.</summary>
internal sealed class SignedMediaLinkRequirement : IAuthorizationRequirement;

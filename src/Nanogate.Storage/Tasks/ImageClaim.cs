namespace Nanogate.Storage.Tasks;

/// <summary>An image a worker now holds a lease on; <see cref="Attempt"/> fences its writes.</summary>
public sealed record ImageClaim(string TaskId, int Index, long Attempt, string AccountId, string Model, string RequestJson, string RequestId);

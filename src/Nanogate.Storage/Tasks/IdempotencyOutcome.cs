namespace Nanogate.Storage.Tasks;

/// <summary>The result of <see cref="ITaskStore.BeginIdempotentAsync"/>.</summary>
public sealed record IdempotencyOutcome(IdempotencyState State, IdempotentResponse? Response);

namespace Nanogate.Storage.Tasks;

/// <summary>The result of a fenced write by a worker.</summary>
/// <param name="Applied">False when the claim was stale (another attempt owns the image now): nothing was written.</param>
/// <param name="TaskEnded">Whether this write ended the task (webhooks queued, reservation settled).</param>
public sealed record ImageWrite(bool Applied, bool TaskEnded);

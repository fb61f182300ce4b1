namespace Nanogate.Tasks.Wire;

/// <summary>202 to a submission (<c>Location: /v1/tasks/{task_id}</c>).</summary>
/// <param name="TaskId">The new task's id.</param>
/// <param name="Status">Always pending.</param>
/// <param name="PollUrl">Where to poll it.</param>
/// <param name="RequestId">This request's id (also in x-request-id).</param>
/// <param name="Model">The catalog model id the request resolved to.</param>
/// <param name="N">Images asked for.</param>
/// <param name="Credits">The credits held.</param>
/// <param name="Warnings">What was adjusted in the request.</param>
internal sealed record TaskAccepted(string TaskId, string Status, string PollUrl, string RequestId, string Model, int N, TaskAcceptedCredits Credits, IReadOnlyList<string> Warnings);

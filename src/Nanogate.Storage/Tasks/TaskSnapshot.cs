namespace Nanogate.Storage.Tasks;

/// <summary>A task with its images, read in one transaction.</summary>
public sealed record TaskSnapshot(TaskRow Task, IReadOnlyList<TaskImageRow> Images);

namespace Nanogate.Hosting.Commands;

/// <summary>How many files and bytes a copy wrote.</summary>
internal readonly record struct FileCopyResult(int Files, long Bytes);

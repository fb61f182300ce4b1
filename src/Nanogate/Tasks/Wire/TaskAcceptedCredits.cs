namespace Nanogate.Tasks.Wire;

/// <summary>The credits a submission holds.</summary>
/// <param name="Reserved">n × the model's price per image at the tier used.</param>
internal sealed record TaskAcceptedCredits(long Reserved);
